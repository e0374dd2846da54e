package notice

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// decodeText turns a text file into UTF-8. A byte-order mark decides when
// there is one (UTF-8, UTF-16LE/BE); else text with NULs in every other
// byte is UTF-16 without a mark (Windows "Unicode" files); else UTF-8, but
// for a stray bad byte, is taken as it is; anything else is GB18030, the
// superset of GBK and GB2312 that Chinese offices' tools write. Undecodable
// bytes become U+FFFD: a notice with a bad byte is still worth reading.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return toValidUTF8(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data)
	}
	if le, be := utf16Guess(data); le {
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data)
	} else if be {
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data)
	}
	if utf8.Valid(data) {
		return string(data)
	}
	if mostlyUTF8(data) {
		return toValidUTF8(data)
	}
	return decodeWith(simplifiedchinese.GB18030, data)
}

// mostlyUTF8 reports whether data is UTF-8 but for a few stray bad bytes:
// Chinese text in GB18030 read as UTF-8 is invalid at nearly every
// character, while a UTF-8 file damaged in one place is still UTF-8.
func mostlyUTF8(data []byte) bool {
	bad := 0
	for i := 0; i < len(data) && bad <= maxStrayBytes; {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	return bad <= maxStrayBytes && bad*100 < len(data)
}

const maxStrayBytes = 3

func decodeWith(enc encoding.Encoding, data []byte) string {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// The x/text decoders replace bad input rather than fail; an error
		// here means a transformer limit, so fall back to a lossy read.
		return toValidUTF8(data)
	}
	return toValidUTF8(out)
}

func toValidUTF8(b []byte) string {
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}

// utf16Guess looks at the first bytes of a file without a byte-order mark.
// Chinese text in UTF-16 still has ASCII line breaks, digits and tabs,
// whose high byte is NUL; text in UTF-8 or GB18030 has no NUL at all. So
// NULs in one in thirty-two code units, nearly all on the same side, mean
// UTF-16. (A CJK character may have a NUL low byte too: 一 is U+4E00.)
func utf16Guess(data []byte) (le, be bool) {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	units := n / 2
	return odd*32 >= units && odd > 8*even, even*32 >= units && even > 8*odd
}
