package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes), which
// keeps a login under ~50 ms on a small server.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted; MaxPasswordLength
// the longest, in characters.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 128
)

// maxPasswordBytes is the longest password a login hashes: no stored
// password (MaxPasswordLength characters of at most 4 bytes) is longer.
const maxPasswordBytes = 4 * MaxPasswordLength

// PasswordRule states the password rule on forms, in the words CheckPassword uses.
const PasswordRule = "密码至少 10 位，须包含字母和数字。"

// CheckPassword returns an error stating the rule when pw breaks it.
func CheckPassword(pw string) error {
	var letter, digit bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength || !letter || !digit {
		return errors.New(PasswordRule)
	}
	if n > MaxPasswordLength {
		return fmt.Errorf("密码最多 %d 位。", MaxPasswordLength)
	}
	return nil
}

// hashing bounds how many argon2id computations run at once: each takes
// argonMemory (19 MiB), so a flood of logins queues here instead of
// exhausting memory, and a CPU each is all they can use anyway.
var hashing = make(chan struct{}, max(1, runtime.NumCPU()))

func idKey(pw, salt []byte, iters, mem uint32, threads uint8, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(pw, salt, iters, mem, threads, keyLen)
}

// dummyHash has the parameters of every new hash; VerifyPassword spends
// its time on it when there is no real hash (an unknown or disabled user,
// a malformed hash), so that such logins take as long as a wrong password.
var dummyHash = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
	base64.RawStdEncoding.EncodeToString(make([]byte, saltLen)), base64.RawStdEncoding.EncodeToString(make([]byte, argonKeyLen)))

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: unable to make salt: %w", err)
	}
	key := idKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the hash. A malformed hash
// (or "", for a user that does not exist) never matches, and costs what a
// real one does. A password longer than any stored one is not hashed.
func VerifyPassword(hash, pw string) bool {
	if len(pw) > maxPasswordBytes {
		pw = ""
		hash = dummyHash
	}
	if ok, valid := verify(hash, pw); valid {
		return ok
	}
	verify(dummyHash, pw)
	return false
}

// verify checks pw against a PHC argon2id hash; valid is false when the
// hash cannot be read (or asks for absurd resources), and nothing was
// computed.
func verify(hash, pw string) (ok, valid bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, false
	}
	if mem == 0 || mem > 1<<20 || iters == 0 || iters > 16 || threads == 0 {
		return false, false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false, false
	}
	got := idKey([]byte(pw), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, true
}
