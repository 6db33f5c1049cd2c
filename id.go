package makerlink

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random, opaque identifier that sorts by creation time: 48
// bits of milliseconds since the Unix epoch followed by 72 random bits,
// encoded as 24 lowercase base32 characters.
func NewID(now time.Time) string {
	var b [15]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now.UnixMilli()))
	copy(b[:6], ms[2:])
	_, _ = rand.Read(b[6:])
	return idEncoding.EncodeToString(b[:])
}
