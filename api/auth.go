package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"makerlink"
)

// Password rules. bcrypt reads at most 72 bytes, so longer passwords are
// refused rather than silently truncated.
const (
	MinPasswordRunes = 8
	MaxPasswordBytes = 72
	maxEmailBytes    = 254
)

// tokenBytes is the entropy of a session token; its base64url text is
// tokenLen characters long.
const (
	tokenBytes = 32
	tokenLen   = 43
)

// newToken returns a fresh session token and the hash the store keeps.
func newToken() (token, hash string) {
	var b [tokenBytes]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

// hashToken returns the lowercase hex SHA-256 of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// validTokenShape reports whether t looks like a token we issue, so that
// garbage never reaches the store.
func validTokenShape(t string) bool {
	if len(t) != tokenLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func errUnauthorized(msg string) error {
	return &makerlink.Error{Code: makerlink.EUnauthorized, Message: msg}
}

// bearerToken extracts the token of an "Authorization: Bearer <t>" header.
func bearerToken(h string) (string, bool) {
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(h[len(prefix):]), true
}

// authenticate resolves the caller of a request from its Authorization
// header. Anonymous requests cost nothing; a malformed, unknown or expired
// token is 401 on every route, public ones included.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return nil
	}
	tok, ok := bearerToken(h)
	if !ok || !validTokenShape(tok) {
		return errUnauthorized("The Authorization header must be \"Bearer <token>\".")
	}
	hash := hashToken(tok)
	ctx := c.UserContext()
	sess, u, err := s.sessions.lookup(hash, func() (*makerlink.Session, *makerlink.User, error) {
		return s.store.FindSession(ctx, hash)
	})
	if err != nil {
		if makerlink.ErrorCode(err) == makerlink.ENotFound {
			return errUnauthorized("The token is invalid or revoked; sign in again.")
		}
		return err
	}
	if !s.now().Before(sess.ExpiresAt) {
		return errUnauthorized("The token has expired; sign in again.")
	}
	c.Locals(userKey, u)
	return nil
}

// viewer returns the signed-in caller, or nil when anonymous.
func viewer(c *fiber.Ctx) *makerlink.User {
	u, _ := c.Locals(userKey).(*makerlink.User)
	return u
}

// requireUser is a route handler that lets only signed-in callers through.
func requireUser(c *fiber.Ctx) error {
	if viewer(c) == nil {
		return errUnauthorized("Sign in first: send \"Authorization: Bearer <token>\".")
	}
	return c.Next()
}

// registerRequest is the body of POST /auth/register.
type registerRequest struct {
	Email    string           `json:"email"`
	Password string           `json:"password"`
	Name     string           `json:"name"`
	Roles    []makerlink.Role `json:"roles"`
}

// loginRequest is the body of POST /auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// AuthReply is the reply of register and login.
type AuthReply struct {
	User      *makerlink.User `json:"user"`
	Token     string          `json:"token"`
	ExpiresAt time.Time       `json:"expires_at"`
}

// MeReply is the reply of GET /me.
type MeReply struct {
	User     *makerlink.User        `json:"user"`
	Profiles []makerlink.ProfileRef `json:"profiles"`
}

// normalizeEmail trims and lowercases an email address.
func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// validEmail reports whether e (normalized) is a plain address with a
// dotted domain, without a display name.
func validEmail(e string) bool {
	if e == "" || len(e) > maxEmailBytes || strings.ContainsAny(e, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	dom := e[at+1:]
	return at > 0 && strings.Contains(dom, ".") && !strings.HasPrefix(dom, ".") && !strings.HasSuffix(dom, ".")
}

func (r *registerRequest) validate() error {
	var v makerlink.Validation
	r.Email = normalizeEmail(r.Email)
	switch {
	case r.Email == "":
		v.Add("email", makerlink.FRequired, "is required")
	case !validEmail(r.Email):
		v.Add("email", makerlink.FInvalid, "is not a valid email address")
	}
	switch {
	case r.Password == "":
		v.Add("password", makerlink.FRequired, "is required")
	case utf8.RuneCountInString(r.Password) < MinPasswordRunes:
		v.Add("password", makerlink.FInvalid, "must be at least 8 characters")
	case len(r.Password) > MaxPasswordBytes:
		v.Add("password", makerlink.FTooLong, "must be at most 72 bytes")
	}
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case r.Name == "":
		v.Add("name", makerlink.FRequired, "is required")
	default:
		switch makerlink.CheckText(r.Name, makerlink.MaxName) {
		case makerlink.FInvalid:
			v.Add("name", makerlink.FInvalid, "contains invalid characters")
		case makerlink.FTooLong:
			v.Add("name", makerlink.FTooLong, "must be at most 120 characters")
		}
	}
	if len(r.Roles) > len(makerlink.SelfServiceRoles) {
		v.Add("roles", makerlink.FTooMany, "too many roles")
	} else {
		var roles []makerlink.Role
		for i, role := range r.Roles {
			switch {
			case role == makerlink.RoleAdmin:
				v.Add("roles["+strconv.Itoa(i)+"]", makerlink.FInvalid, "admin cannot be chosen at registration")
			case !slices.Contains(makerlink.SelfServiceRoles, role):
				v.Add("roles["+strconv.Itoa(i)+"]", makerlink.FUnknown,
					"must be one of founder, investor, mentor, lab, organizer")
			case !slices.Contains(roles, role):
				roles = append(roles, role)
			}
		}
		r.Roles = roles
	}
	if r.Roles == nil {
		r.Roles = []makerlink.Role{}
	}
	return v.Err()
}

// rateLimited sets Retry-After (whole seconds, rounded up) and returns the
// 429 error.
func rateLimited(c *fiber.Ctx, wait time.Duration, msg string) error {
	secs := int64(math.Ceil(wait.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(max(secs, 1), 10))
	return &makerlink.Error{Code: makerlink.ERateLimited, Message: msg}
}

// throttleAddress counts a register or login request against the caller's
// address.
func (s *Server) throttleAddress(c *fiber.Ctx) (addr string, err error) {
	addr = c.IP()
	if wait := s.throttle.addrAll.Take(c.UserContext(), addr, s.now()); wait > 0 {
		return addr, rateLimited(c, wait, "Too many sign-in attempts from this address; try again later.")
	}
	return addr, nil
}

// startSession issues a token for u.
func (s *Server) startSession(c *fiber.Ctx, u *makerlink.User) (AuthReply, error) {
	tok, hash := newToken()
	now := s.now()
	sess := &makerlink.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.store.CreateSession(c.UserContext(), sess); err != nil {
		return AuthReply{}, err
	}
	if u.Roles == nil {
		u.Roles = []makerlink.Role{}
	}
	return AuthReply{User: u, Token: tok, ExpiresAt: sess.ExpiresAt}, nil
}

// register creates an account and signs it in.
func (s *Server) register(c *fiber.Ctx) error {
	if _, err := s.throttleAddress(c); err != nil {
		return err
	}
	var req registerRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), s.cost)
	if err != nil {
		return &makerlink.Error{Code: makerlink.EInternal, Op: "register", Err: err}
	}
	u := &makerlink.User{Email: req.Email, Name: req.Name, Roles: req.Roles, CreatedAt: s.now().UTC()}
	if err := s.store.CreateUser(c.UserContext(), u, string(hash)); err != nil {
		if makerlink.ErrorCode(err) == makerlink.EConflict {
			return &makerlink.Error{Code: makerlink.EConflict, Message: "An account with this email exists; sign in instead.", Err: err}
		}
		return err
	}
	reply, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reply)
}

// login checks an email and password and issues a token. Failures count
// against the account and the address; while either is over its limit the
// reply is 429 whatever the password.
func (s *Server) login(c *fiber.Ctx) error {
	addr, err := s.throttleAddress(c)
	if err != nil {
		return err
	}
	var req loginRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	email := normalizeEmail(req.Email)
	if email == "" || req.Password == "" {
		var v makerlink.Validation
		if email == "" {
			v.Add("email", makerlink.FRequired, "is required")
		}
		if req.Password == "" {
			v.Add("password", makerlink.FRequired, "is required")
		}
		return v.Err()
	}
	if len(email) > maxEmailBytes {
		email = email[:maxEmailBytes]
	}
	now := s.now()
	ctx := c.UserContext()
	wait := max(s.throttle.account.Wait(ctx, email, now), s.throttle.addrFail.Wait(ctx, addr, now))
	if wait > 0 {
		return rateLimited(c, wait, "Too many failed sign-ins; try again later.")
	}

	u, hash, err := s.store.FindUserByEmail(c.UserContext(), email)
	if err != nil && makerlink.ErrorCode(err) != makerlink.ENotFound {
		return err
	}
	ok := s.checkPassword(u != nil && err == nil, hash, req.Password)
	if !ok {
		s.throttle.account.Add(ctx, email, now)
		s.throttle.addrFail.Add(ctx, addr, now)
		return errUnauthorized("Wrong email or password.")
	}
	s.throttle.account.Reset(ctx, email)
	reply, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

// checkPassword compares pw with hash in constant time. For unknown
// accounts (found false) it compares against a dummy hash so that the reply
// takes as long.
func (s *Server) checkPassword(found bool, hash, pw string) bool {
	h := []byte(hash)
	if !found {
		h = s.dummyHash
	}
	p := []byte(pw)
	long := len(p) > MaxPasswordBytes
	if long {
		p = p[:MaxPasswordBytes]
	}
	err := bcrypt.CompareHashAndPassword(h, p)
	return found && !long && err == nil
}

// logout revokes the caller's token.
func (s *Server) logout(c *fiber.Ctx) error {
	tok, _ := bearerToken(c.Get(fiber.HeaderAuthorization))
	hash := hashToken(tok)
	s.forgetToken(hash)
	if err := s.store.DeleteSession(c.UserContext(), hash); err != nil {
		return err
	}
	s.forgetToken(hash) // again: a request may have cached it meanwhile
	return c.SendStatus(fiber.StatusNoContent)
}

// forgetToken drops a token from the session cache and the hub's token
// cache.
func (s *Server) forgetToken(hash string) {
	s.sessions.forget(hash)
	if s.tokens != nil {
		s.tokens.forget(hash)
	}
}

// me returns the caller and the profiles they own.
func (s *Server) me(c *fiber.Ctx) error {
	u := *viewer(c)
	if u.Roles == nil {
		u.Roles = []makerlink.Role{}
	}
	refs, err := s.store.ProfilesByOwner(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if refs == nil {
		refs = []makerlink.ProfileRef{}
	}
	return c.JSON(MeReply{User: &u, Profiles: refs})
}

// errBadJSON returns a bad_json error with a user message.
func errBadJSON(msg string) error {
	return &makerlink.Error{Code: makerlink.EBadJSON, Message: msg}
}
