"""SM4 encryption of CP, HJ 212-2025 §6.4 and Appendix A.2 (ECB, Nopadding, plaintext tail)."""

from __future__ import annotations

import pytest

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    CipherForm,
    DecodePolicy,
    Encrypted,
    Version,
    crc_text,
    decode,
    decrypt_cp,
    encode,
    encrypt_cp,
    make_frame,
)
from ecowarden.hj212.sm4 import format_braced, parse_braced

# HJ 212-2025 Appendix A.2: "密钥使用16个0x30"
TEST_KEY = b"\x30" * 16
MN = "010000A8900016F000169DC0"
# A.2 example 2 (208 characters = 13 blocks) and example 4 (147 = 9 blocks + 3 in clear), the
# plaintext CP content and the printed cipher bytes, as transcribed with page numbers by
# Daidai52640/cems-data-pipeline (reference §7 source).
PLAIN_208 = (
    b"DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    b"a01012-Min=9.3,a01012-Avg=9.3,a01012-Max=9.3,a01012-Flag=N;a01014-Min=3.20,"
    b"a01014-Avg=3.211,a01014-Max=3.212,a01014-Flag=N"
)
CIPHER_208 = bytes.fromhex(
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC"
    "76F57F2CA7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E1C2B3075592B4D1E0"
    "9C4D8BB27BE97B559E3DA6643781A6F477769DEEB009B10DFFF3426922725D607DC4480F0CAC5F70DB2587B1"
    "24BCB281592721D6E4BC180A97E5E111499CBE822E31C8D7761553543AA24207C290997BBDE64F9266BC5F52"
    "9A172E381C1D898CA1A0D771A914A7B2D7467C70B94F1D4A7B0350A48DBF8B41"
)
PLAIN_147 = (
    b"DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    b"a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N"
)
CIPHER_144_TAIL = bytes.fromhex(
    "0C0CAC0ADEF9C5156CD0A5A17674AC0ED2ABC40023E9EF70128554B82438E91ADCE98A0D03A4"
)
HEAD = f"QN=20240520210700000;ST=31;CN=2051;PW=123456;MN={MN};Flag=9;CP=&&".encode()


def test_gbt_32907_vector() -> None:
    # GB/T 32907-2016 example 1: key = plaintext = 0123456789abcdeffedcba9876543210
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert encrypt_cp(key, key) == bytes.fromhex("681edf34d206965e86b3e94f536e4246")


def test_appendix_a2_whole_blocks() -> None:
    assert len(PLAIN_208) == 208
    assert encrypt_cp(PLAIN_208, TEST_KEY) == CIPHER_208
    assert decrypt_cp(CIPHER_208, TEST_KEY) == PLAIN_208


def test_appendix_a2_remainder_stays_plaintext() -> None:
    # "不足 16 个字符的部分使用明文": 147 = 9 x 16 + 3, the last 3 characters "g=N" in clear
    cipher = encrypt_cp(PLAIN_147, TEST_KEY)
    assert len(cipher) == 147
    assert cipher[-3:] == b"g=N"
    assert cipher[144 - len(CIPHER_144_TAIL) : 144] == CIPHER_144_TAIL
    assert decrypt_cp(cipher, TEST_KEY) == PLAIN_147


def test_key_must_be_16_bytes() -> None:
    with pytest.raises(ValidationError, match="16 bytes"):
        encrypt_cp(PLAIN_147, b"short")


def test_braced_form_round_trip() -> None:
    cipher = encrypt_cp(PLAIN_147, TEST_KEY)
    printed = format_braced(cipher)
    assert printed.startswith(b"{0xE4,0x3E,")
    assert printed.endswith(b"0x03,0xA4}g=N")
    assert parse_braced(printed) == cipher
    assert parse_braced(b"{0xE4,0x3E}") is None  # not whole blocks
    assert parse_braced(b"{0xZZ" + b",0x00" * 15 + b"}") is None
    assert parse_braced(b"DataTime=1") is None


def test_printed_a2_packet_decodes_with_the_declared_plaintext_length() -> None:
    # A.2 prints "##0295…CP=&&{0xE4,…}&&2200": the length is that of the plaintext segment while
    # the printed form is longer; the length-anomaly search finds the end and the CRC over the
    # decrypted segment verifies (CRC before encryption, "先完成 CRC 校验并组包，再对数据段加密").
    printed = b"##0295" + HEAD + format_braced(CIPHER_208) + b"&&2200\r\n"
    policy = DecodePolicy(sm4_key=lambda mn: TEST_KEY if mn == MN else None)
    frame = decode(printed, policy=policy)
    assert frame.encrypted
    assert frame.segment == HEAD + PLAIN_208 + b"&&"
    assert frame.cp["a01014-Avg"] == "3.211"
    assert frame.version is Version.HJ212_2025
    assert "length_anomaly" in frame.warnings


def test_raw_cipher_keeps_the_length_field_valid() -> None:
    frame = make_frame(
        2051,
        MN,
        st="31",
        pw="123456",
        qn="20240520210700000",
        flag=9,
        cp=dict(f.split("=") for f in PLAIN_147.decode().replace(";", ",").split(",")),
    )
    data = encode(frame, key=TEST_KEY)
    assert data[6 + len(HEAD) : 6 + len(HEAD) + 144] == encrypt_cp(PLAIN_147, TEST_KEY)[:144]
    assert data.endswith(b"g=N&&B541\r\n")  # A.2 example 3/4 CRC
    policy = DecodePolicy(sm4_key=lambda mn: TEST_KEY)
    decoded = decode(data, policy=policy)
    assert decoded == frame
    assert decoded.encrypted
    assert decoded.warnings == ()


def test_encrypted_packet_without_key_is_refused() -> None:
    printed = encode(
        make_frame(2051, MN, st="31", pw="1", flag=9, cp={"a01011-Avg": "1.35" * 5}),
        key=TEST_KEY,
        cipher_form=CipherForm.BRACED_HEX,
    )
    with pytest.raises(Encrypted) as info:
        decode(printed)
    assert info.value.reason == "no_key"
    assert info.value.mn == MN


def test_wrong_key_is_refused() -> None:
    data = encode(
        make_frame(2051, MN, st="31", pw="1", flag=9, cp={"a-Avg": "1" * 40}), key=TEST_KEY
    )
    with pytest.raises(Encrypted) as info:
        decode(data, policy=DecodePolicy(sm4_key=lambda mn: b"1" * 16))
    assert info.value.reason == "decryption_failed"


def test_bad_key_length_from_the_registry_is_a_protocol_error() -> None:
    data = encode(
        make_frame(2051, MN, st="31", pw="1", flag=9, cp={"a-Avg": "1" * 40}), key=TEST_KEY
    )
    with pytest.raises(Encrypted) as info:
        decode(data, policy=DecodePolicy(sm4_key=lambda mn: b"short"))
    assert info.value.reason == "bad_key"


def test_device_with_a_key_may_send_in_clear() -> None:
    # §6.4.1: encryption "应" over the Internet, "宜" on private networks
    clear = encode(make_frame(2051, MN, st="31", pw="1", flag=9, cp={"a-Avg": "1" * 40}))
    frame = decode(clear, policy=DecodePolicy(sm4_key=lambda mn: TEST_KEY))
    assert not frame.encrypted
    assert "not_encrypted" in frame.warnings


def test_commands_outside_the_encrypted_set_are_never_decrypted() -> None:
    clear = encode(
        make_frame(1011, MN, st="31", pw="1", flag=9, cp={"SystemTime": "20260101000000"})
    )
    frame = decode(clear, policy=DecodePolicy(sm4_key=lambda mn: TEST_KEY))
    assert not frame.encrypted
    assert frame.warnings == ()


def test_braced_policy_does_not_decrypt_raw_bytes() -> None:
    clear = encode(make_frame(2051, MN, st="31", pw="1", flag=9, cp={"a-Avg": "1"}))
    policy = DecodePolicy(sm4_key=lambda mn: TEST_KEY, cipher_form=CipherForm.BRACED_HEX)
    assert not decode(clear, policy=policy).encrypted


def test_malformed_braced_cipher_is_refused() -> None:
    segment = HEAD + b"{0xE4,0x3E}&&"
    data = b"##%04d%s%s" % (len(segment), segment, crc_text(segment))
    with pytest.raises(Encrypted) as info:
        decode(data, policy=DecodePolicy(sm4_key=lambda mn: TEST_KEY))
    assert info.value.reason == "bad_cipher_text"
