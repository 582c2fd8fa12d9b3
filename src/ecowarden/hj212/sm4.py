"""SM4 encryption of the CP field, HJ 212-2025 §6.4 and Appendix A.2 [HJ212-2025].

§6.4.2: SM4, 16-byte key, ECB, "Nopadding"; the characters between ``CP=&&`` and the closing ``&&``
are encrypted. A.2: every 16 characters form one block and a remainder shorter than 16 stays
plaintext; the CRC is computed over the plaintext segment before encryption ("先完成 CRC 校验并
组包，再对数据段加密"), so a receiver decrypts before it checks the CRC.

The wire form of the cipher text is unconfirmed (reference §7): the standard prints it as
``{0xE4,0x3E,…}``. :class:`CipherForm` selects raw bytes (default: the cipher text has the length
of the plaintext, so the length field stays valid) or that printed form.
"""

from __future__ import annotations

from enum import StrEnum

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ecowarden.errors import ValidationError

BLOCK = 16
_HEX_DIGITS = b"0123456789ABCDEFabcdef"


class CipherForm(StrEnum):
    """How the encrypted CP content travels (unconfirmed, switchable per platform)."""

    RAW = "raw"
    BRACED_HEX = "braced-hex"  # {0xE4,0x3E,…} + plaintext tail, as printed in A.2


def _check_key(key: bytes) -> None:
    if len(key) != BLOCK:
        raise ValidationError(f"SM4 key must be 16 bytes, got {len(key)}")


def encrypt_cp(plain: bytes, key: bytes) -> bytes:
    """Encrypt CP content: whole 16-byte blocks with SM4-ECB, the remainder left as plaintext.

    Parameters
    ----------
    plain : bytes
        The bytes between ``CP=&&`` and ``&&``.
    key : bytes
        16-byte SM4 key (the A.2 test key is 16 x 0x30).

    Returns
    -------
    bytes
        Same length as ``plain`` [HJ212-2025] A.2.
    """
    _check_key(key)
    cut = len(plain) - len(plain) % BLOCK
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return encryptor.update(plain[:cut]) + encryptor.finalize() + plain[cut:]


def decrypt_cp(cipher: bytes, key: bytes) -> bytes:
    """Inverse of :func:`encrypt_cp`: decrypt whole blocks, keep the plaintext remainder."""
    _check_key(key)
    cut = len(cipher) - len(cipher) % BLOCK
    decryptor = Cipher(algorithms.SM4(key), modes.ECB()).decryptor()
    return decryptor.update(cipher[:cut]) + decryptor.finalize() + cipher[cut:]


def format_braced(cipher_and_tail: bytes) -> bytes:
    """The A.2 printed form: ``{0xE4,0x3E,…}`` for the whole blocks, then the plaintext tail."""
    cut = len(cipher_and_tail) - len(cipher_and_tail) % BLOCK
    blocks = cipher_and_tail[:cut]
    if not blocks:
        return cipher_and_tail
    return b"{" + b",".join(b"0x%02X" % b for b in blocks) + b"}" + cipher_and_tail[cut:]


def parse_braced(text: bytes) -> bytes | None:
    """Cipher bytes + plaintext tail from the printed form, or ``None`` if ``text`` is not in it.

    The number of cipher bytes must be a whole number of 16-byte blocks.
    """
    if not text.startswith(b"{0x") and not text.startswith(b"{0X"):
        return None
    close = text.find(b"}")
    if close < 0:
        return None
    items = text[1:close].split(b",")
    out = bytearray()
    for item in items:
        digits = item[2:]
        if len(item) != 4 or item[:2] not in (b"0x", b"0X") or digits.strip(_HEX_DIGITS):
            return None
        out.append(int(digits, 16))
    if len(out) % BLOCK:
        return None
    return bytes(out) + text[close + 1 :]
