"""Writes the spreadsheet samples of this folder (run from the repository root; see README.md here).

The same four tasks in every encoding and dialect a Chinese office saves a sheet in. Kept so the files
can be re-made and checked; the tests read the committed files, never this script's output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["编号", "标题", "负责人", "截止日期", "状态", "描述", "标签", "优先级", "依赖"]


def rows(rare: str) -> list[list[str]]:
    """The tasks; ``rare`` is a character outside GBK (GB18030 and UTF-8 have it, GBK does not)."""
    return [
        HEADER,
        [
            "T1",
            "API 接口开发",
            "li.wei",
            "2026-12-01",
            "进行中",
            "接口文档见 wiki\n第二行",
            "api，后端",
            "高",
            "",
        ],
        ["T2", f"联调测试{rare}", "ann@example.com", "2026/12/5", "待办", "", "测试", "中", "T1"],
        ["T3", "发布上线", "王芳", "2026年12月10日", "待办", "", "", "紧急", "T1 T2"],
        ["T4", '写 "用户手册"', "", "", "完成", "", "文档", "低", ""],
    ]


def csv_text(table: list[list[str]], delimiter: str) -> str:
    def cell(text: str) -> str:
        if any(ch in text for ch in (delimiter, '"', "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(delimiter.join(cell(c) for c in row) + "\r\n" for row in table)


def main() -> None:
    full = csv_text(rows(" 𠮷"), ",")
    (HERE / "tasks-utf8.csv").write_bytes(full.encode("utf-8"))
    (HERE / "tasks-utf8-bom.csv").write_bytes(full.encode("utf-8-sig"))
    (HERE / "tasks-gb18030.csv").write_bytes(full.encode("gb18030"))
    (HERE / "tasks-gbk.csv").write_bytes(csv_text(rows(""), ",").encode("gbk"))
    (HERE / "tasks-excel-semicolon.csv").write_bytes(csv_text(rows(" 𠮷"), ";").encode("utf-8-sig"))
    (HERE / "tasks-excel-unicode.txt").write_bytes(csv_text(rows(" 𠮷"), "\t").encode("utf-16"))

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "任务"
    for number, row in enumerate(rows(" 𠮷")):
        values: list[object] = list(row)
        if number == 1:
            values[3] = date(2026, 12, 1)  # a real date cell, as Excel stores one
        sheet.append(values)
    book.save(HERE / "tasks-openpyxl.xlsx")


if __name__ == "__main__":
    main()
