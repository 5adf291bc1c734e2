import csv
import io

from saleor_mautomation.core.csv_stream import csv_stream, spreadsheet_safe


def test_cells_a_spreadsheet_would_run_are_read_as_text() -> None:
    assert [spreadsheet_safe(v) for v in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\ry"]] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@cmd",
        "'\tx",
        "'\ry",
    ]
    assert [spreadsheet_safe(v) for v in ["ada@shop.test", "", 3, -4, None]] == [
        "ada@shop.test",
        "",
        3,
        -4,
        None,
    ]


def test_rows_come_out_in_chunks_that_join_to_the_whole_file() -> None:
    rows = ([f"person{i}@shop.test", i, "=HYPERLINK()" if i == 7 else "DE"] for i in range(500))

    chunks = list(csv_stream(["email", "n", "country"], rows, chunk_chars=1000))

    assert len(chunks) > 10
    assert all(len(chunk) < 1100 for chunk in chunks)
    read = list(csv.reader(io.StringIO("".join(chunks))))
    assert read[0] == ["email", "n", "country"]
    assert len(read) == 501
    assert read[8] == ["person7@shop.test", "7", "'=HYPERLINK()"]
    assert read[500] == ["person499@shop.test", "499", "DE"]


def test_no_rows_is_the_header_alone() -> None:
    assert "".join(csv_stream(["row", "column", "message"], [])) == "row,column,message\r\n"
