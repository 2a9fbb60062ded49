"""argparse speaking Chinese: section titles, the usage prefix, -h's help and its error messages.
Option names stay as they are; an argument error is one line on stderr and exit status 2."""
from __future__ import annotations

import argparse
import re
import sys

# argparse's own messages (Python 3.10-3.13), most specific first; %-placeholders become groups.
_MESSAGES = [
    (r"argument (\S+): (.*)", lambda m: f"参数 {m[1]}：{translate(m[2])}"),
    (r"the following arguments are required: (.*)", lambda m: f"缺少必需的参数：{m[1]}"),
    (r"one of the arguments (.*) is required", lambda m: f"以下参数必须给出一个：{m[1]}"),
    (r"unrecognized arguments: (.*)", lambda m: f"无法识别的参数：{m[1]}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", lambda m: f"无效的选项 {m[1]}（可选：{m[2]}）"),
    (r"invalid int value: (.*)", lambda m: f"{m[1]} 不是整数"),
    (r"invalid (\S+) value: (.*)", lambda m: f"{m[2]} 不是有效的 {m[1]} 值"),
    (r"expected one argument", lambda m: "需要一个值"),
    (r"expected at most one argument", lambda m: "最多接受一个值"),
    (r"expected at least one argument", lambda m: "至少需要一个值"),
    (r"expected (\d+) arguments?", lambda m: f"需要 {m[1]} 个值"),
    (r"not allowed with argument (.*)", lambda m: f"不能与参数 {m[1]} 同时使用"),
    (r"ambiguous option: (\S+) could match (.*)", lambda m: f"选项 {m[1]} 有歧义，可能是：{m[2]}"),
    (r"ignored explicit argument (.*)", lambda m: f"多余的值 {m[1]}"),
]


def translate(message: str) -> str:
    """argparse's English message in Chinese; a message of ours (already Chinese) passes unchanged."""
    for pattern, render in _MESSAGES:
        m = re.fullmatch(pattern, message, flags=re.S)
        if m:
            return render(m)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Subcommand parsers made by add_subparsers().add_parser() are of this class too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}：{translate(message)}（{self.prog} --help 查看用法）\n")
        sys.exit(2)
