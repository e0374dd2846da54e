package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// APITokenPrefix marks kechuang API tokens so that leaked ones are easy to
// find in logs and repositories.
const APITokenPrefix = "kc_"

// NewSecret returns a random secret of 32 bytes, URL-safe: session cookies
// and API tokens.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewAPIToken returns a new API token.
func NewAPIToken() string { return APITokenPrefix + NewSecret() }

// HashSecret is what the database keeps of a session or token: a stolen
// database copy does not give a way in.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
