import pytest

from core.enrolment import parse_qr, qr_payload
from core.errors import DomainError


@pytest.mark.parametrize(
    ("server", "code", "payload"),
    [
        ("http://127.0.0.1:8765", "ABCD-EFGH",
         "pantau:enrol?server=http%3A%2F%2F127.0.0.1%3A8765&code=ABCD-EFGH"),
        ("https://pantau.example.id/", "abcd-efgh",
         "pantau:enrol?server=https%3A%2F%2Fpantau.example.id&code=abcd-efgh"),
        ("  http://10.0.0.5:8000/api  ", " WXYZ2345 ",
         "pantau:enrol?server=http%3A%2F%2F10.0.0.5%3A8000%2Fapi&code=WXYZ2345"),
        ("http://srv?a=1&b=2", "ABCD-EFGH",
         "pantau:enrol?server=http%3A%2F%2Fsrv%3Fa%3D1%26b%3D2&code=ABCD-EFGH"),
    ],
)  # fmt: skip
def test_payload_round_trips(server, code, payload):
    assert qr_payload(server, code) == payload
    assert parse_qr(payload) == (server.strip().rstrip("/"), code.strip())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pantau:enrol?code=ABCD-EFGH&server=http%3A%2F%2Fh%3A1", ("http://h:1", "ABCD-EFGH")),
        ("PANTAU:ENROL?server=http%3A%2F%2Fh&code=AB12-CD34", ("http://h", "AB12-CD34")),
        ("  pantau:enrol?server=http://h:8765&code=ABCD-EFGH\n", ("http://h:8765", "ABCD-EFGH")),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=ABCD+EFGH", ("http://h", "ABCD EFGH")),
    ],
)  # fmt: skip
def test_parse_accepts_order_case_and_spaces(text, expected):
    assert parse_qr(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "qr_not_enrolment"),
        ("ABCD-EFGH", "qr_not_enrolment"),
        ("https://pantau.example.id/enrol?code=ABCD-EFGH", "qr_not_enrolment"),
        ("WIFI:S:rumah;T:WPA;P:rahasia;;", "qr_not_enrolment"),
        ("pantau:enrol?", "qr_not_enrolment"),
        ("pantau:enrol?server=http%3A%2F%2Fh", "qr_not_enrolment"),
        ("pantau:enrol?code=ABCD-EFGH", "qr_not_enrolment"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=A&code=B", "qr_not_enrolment"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=", "qr_not_enrolment"),
        ("pantau:enrol?server&code", "qr_not_enrolment"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=ABCD-EFGH&" + "x=1&" * 200, "qr_not_enrolment"),
        ("pantau:enrol?server=ftp%3A%2F%2Fh&code=ABCD-EFGH", "qr_bad_server"),
        ("pantau:enrol?server=h%3A8765&code=ABCD-EFGH", "qr_bad_server"),
        ("pantau:enrol?server=http%3A%2F%2F&code=ABCD-EFGH", "qr_bad_server"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=AB", "qr_bad_code"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=ABCD%3BEFGH", "qr_bad_code"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=-ABCD-", "qr_bad_code"),
        ("pantau:enrol?server=http%3A%2F%2Fh&code=" + "A" * 65, "qr_bad_code"),
    ],
)  # fmt: skip
def test_parse_refuses_anything_else_in_both_languages(text, code):
    with pytest.raises(DomainError) as exc:
        parse_qr(text)
    assert exc.value.code == code
    assert "QR" in exc.value.message_id
    assert "QR" in exc.value.message_en
    assert exc.value.message_id != exc.value.message_en


@pytest.mark.parametrize(
    ("server", "code", "err"),
    [
        ("", "ABCD-EFGH", "qr_bad_server"),
        ("127.0.0.1:8765", "ABCD-EFGH", "qr_bad_server"),
        ("http://h", "", "qr_bad_code"),
        ("http://h", "AB\nCD", "qr_bad_code"),
    ],
)
def test_payload_refuses_what_the_phone_could_not_use(server, code, err):
    with pytest.raises(DomainError) as exc:
        qr_payload(server, code)
    assert exc.value.code == err


def test_a_pinned_https_address_round_trips_and_bad_pins_are_refused():
    import pytest

    from core.enrolment import parse_qr, qr_payload, split_pin, with_pin
    from core.errors import DomainError

    pin = "ab" * 32
    server, _ = parse_qr(qr_payload(with_pin("https://10.0.0.5:8765/", pin), "K7QP-M2XD"))
    assert split_pin(server) == ("https://10.0.0.5:8765", pin)
    for bad in ("http://10.0.0.5:8765#sha256=" + pin, "https://10.0.0.5#sha256=xyz"):
        with pytest.raises(DomainError):
            split_pin(bad)
