package api

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// List limits of GET /{kind}: limit defaults to 20; values outside 1..100
// (and non-numbers) are refused with 400 bad_request rather than clamped,
// so that a client never silently gets fewer items than it asked for.
const (
	DefaultListLimit = 20
	MaxListLimit     = 100
)

var mimeJSON = []byte(fiber.MIMEApplicationJSON)

// setETag sets ETag: "<version>" without allocating.
func setETag(c *fiber.Ctx, version int64) {
	var b [24]byte
	e := append(b[:0], '"')
	e = strconv.AppendInt(e, version, 10)
	e = append(e, '"')
	c.Response().Header.SetBytesV(fiber.HeaderETag, e)
}

// etagMatches reports whether an If-None-Match header names version.
func etagMatches(h []byte, version int64) bool {
	if len(h) == 0 {
		return false
	}
	var b [24]byte
	e := append(b[:0], '"')
	e = strconv.AppendInt(e, version, 10)
	e = append(e, '"')
	for _, part := range strings.Split(string(h), ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" || part == string(e) {
			return true
		}
	}
	return false
}

// ifMatch parses an If-Match header holding one version, "<version>" or a
// bare number. It returns 0, false when the header is absent.
func ifMatch(c *fiber.Ctx) (int64, bool, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" {
		return 0, false, nil
	}
	t := h
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		t = t[1 : len(t)-1]
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v < 1 {
		return 0, false, makerlink.Errorf(makerlink.EBadRequest, "If-Match must be one version in quotes, like \"3\".")
	}
	return v, true, nil
}

// errProfileNotFound is the reply for a profile the caller may not see:
// word for word the store's for an id that does not exist, so that a
// hidden profile cannot be told from a missing one.
func errProfileNotFound() error {
	return makerlink.Errorf(makerlink.ENotFound, "Profile not found.")
}

func profileURL(k makerlink.Kind, id string) string {
	return "/api/v1/" + k.Plural() + "/" + id
}

// createProfile handles POST /{kind}: the caller becomes the owner.
func (s *Server) createProfile(k makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := viewer(c)
		p, _ := makerlink.NewProfile(k)
		if err := decodeJSON(c.Body(), p); err != nil {
			return err
		}
		// The store owns the metadata: whatever the client sent is dropped.
		*p.Base() = makerlink.Meta{OwnerID: u.ID}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := s.checkSpace(c, p, ""); err != nil {
			return err
		}
		if err := s.store.CreateProfile(c.UserContext(), p); err != nil {
			return err
		}
		m := p.Base()
		c.Location(profileURL(k, m.ID))
		setETag(c, m.Version)
		return c.Status(fiber.StatusCreated).JSON(p)
	}
}

// getProfile handles GET /{kind}/{id}. It sends the stored document as is;
// a profile the caller may not see is 404.
func (s *Server) getProfile(k makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rec, err := s.store.FindProfileRecord(c.UserContext(), k, c.Params("id"))
		if err != nil {
			return err
		}
		if !makerlink.CanView(viewer(c), rec.OwnerID, makerlink.Tags{Visibility: rec.Visibility}) {
			return errProfileNotFound()
		}
		setETag(c, rec.Version)
		if etagMatches(c.Request().Header.Peek(fiber.HeaderIfNoneMatch), rec.Version) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Response().Header.SetContentTypeBytes(mimeJSON)
		return c.Send(rec.Doc)
	}
}

// editable loads a profile for a change by the caller: 404 when they may
// not see it, 403 when they may see but not change it.
func (s *Server) editable(c *fiber.Ctx, k makerlink.Kind, id string) (makerlink.Profile, error) {
	p, err := s.store.FindProfile(c.UserContext(), k, id)
	if err != nil {
		return nil, err
	}
	u := viewer(c)
	m := p.Base()
	if !makerlink.CanView(u, m.OwnerID, p.Tags()) {
		return nil, errProfileNotFound()
	}
	if !makerlink.CanEdit(u, m.OwnerID) {
		return nil, makerlink.Errorf(makerlink.EForbidden, "Only the owner of this %s or an admin may change it.", k)
	}
	return p, nil
}

// versionField picks the version field out of a PATCH body.
type versionField struct {
	Version *int64 `json:"version"`
}

func errStale(k makerlink.Kind, stored int64) error {
	return makerlink.Errorf(makerlink.EVersionMismatch,
		"The %s changed since you loaded it (now version %d); reload and apply your change again.", k, stored)
}

// patchProfile handles PATCH /{kind}/{id}: the body's fields are merged
// onto the stored profile. The expected version comes from If-Match or a
// version field in the body; one of them is required (428 otherwise).
func (s *Server) patchProfile(k makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		body := c.Body()
		if err := checkJSONObject(body); err != nil {
			return err
		}
		var vf versionField
		if err := json.Unmarshal(body, &vf); err != nil {
			return jsonError(err)
		}
		want, ok, err := ifMatch(c)
		if err != nil {
			return err
		}
		if vf.Version != nil {
			if ok && *vf.Version != want {
				return makerlink.Errorf(makerlink.EBadRequest, "If-Match and the version field disagree.")
			}
			want, ok = *vf.Version, true
		}
		if !ok {
			return makerlink.Errorf(codePreconditionRequired,
				"Send the version you edited: an If-Match: \"<version>\" header or a version field.")
		}
		p, err := s.editable(c, k, c.Params("id"))
		if err != nil {
			return err
		}
		meta := *p.Base()
		if want != meta.Version {
			return errStale(k, meta.Version)
		}
		oldSpace := ""
		if st, ok := p.(*makerlink.Startup); ok {
			oldSpace = string(st.SpaceID)
		}
		if err := decodeJSON(body, p); err != nil {
			return err
		}
		// id and owner_id may be sent back as they are (a client may PATCH
		// the document it read), never changed.
		var v makerlink.Validation
		if p.Base().ID != meta.ID {
			v.Add("id", makerlink.FInvalid, "is read-only")
		}
		if p.Base().OwnerID != meta.OwnerID {
			v.Add("owner_id", makerlink.FInvalid, "is read-only")
		}
		if err := v.Err(); err != nil {
			return err
		}
		*p.Base() = meta
		if err := p.Validate(); err != nil {
			return err
		}
		if err := s.checkSpace(c, p, oldSpace); err != nil {
			return err
		}
		if err := s.store.UpdateProfile(c.UserContext(), p); err != nil {
			return err
		}
		setETag(c, p.Base().Version)
		return c.JSON(p)
	}
}

// deleteProfile handles DELETE /{kind}/{id}; If-Match is optional.
func (s *Server) deleteProfile(k makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		want, _, err := ifMatch(c)
		if err != nil {
			return err
		}
		p, err := s.editable(c, k, c.Params("id"))
		if err != nil {
			return err
		}
		if want != 0 && want != p.Base().Version {
			return errStale(k, p.Base().Version)
		}
		if err := s.store.DeleteProfile(c.UserContext(), k, p.Base().ID, want); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// listProfiles handles GET /{kind}?sector=&stage=&city=&owner_id=&limit=&cursor=.
func (s *Server) listProfiles(k makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := makerlink.ProfileFilter{
			Kind:    k,
			Sector:  c.Query("sector"),
			Stage:   c.Query("stage"),
			City:    c.Query("city"),
			OwnerID: c.Query("owner_id"),
			Cursor:  c.Query("cursor"),
			Viewer:  viewer(c),
			Limit:   DefaultListLimit,
		}
		if l := c.Query("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > MaxListLimit {
				return makerlink.Errorf(makerlink.EBadRequest, "limit must be a whole number from 1 to %d.", MaxListLimit)
			}
			f.Limit = n
		}
		if f.Sector != "" {
			if _, ok := makerlink.SectorByCode(f.Sector); !ok {
				return makerlink.Errorf(makerlink.EBadRequest, "Unknown sector code; GET /api/v1/sectors lists them.")
			}
		}
		if f.Stage != "" {
			if _, ok := makerlink.StageByCode(f.Stage); !ok {
				return makerlink.Errorf(makerlink.EBadRequest, "Unknown stage code; GET /api/v1/sectors lists them.")
			}
		}
		if f.City != "" {
			f.City = makerlink.PlaceCity(f.City)
		}
		recs, next, err := s.store.FindProfiles(c.UserContext(), f)
		if err != nil {
			return err
		}
		n := 64
		for _, r := range recs {
			n += len(r.Doc) + 1
		}
		out := make([]byte, 0, n+len(next))
		out = append(out, `{"items":[`...)
		first := true
		for _, r := range recs {
			// The store filters by viewer already; check again so that a
			// store bug cannot leak a hidden startup.
			if !makerlink.CanView(f.Viewer, r.OwnerID, makerlink.Tags{Visibility: r.Visibility}) {
				continue
			}
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(out, r.Doc...)
		}
		out = append(out, `],"next_cursor":`...)
		if next == "" {
			out = append(out, "null"...)
		} else {
			cur, _ := json.Marshal(next)
			out = append(out, cur...)
		}
		out = append(out, '}')
		c.Response().Header.SetContentTypeBytes(mimeJSON)
		return c.Send(out)
	}
}

// checkSpace refuses a startup whose space_id names no space (422 on
// space_id). A space_id the startup already had is not checked again: a
// deleted space does not block other edits.
func (s *Server) checkSpace(c *fiber.Ctx, p makerlink.Profile, had string) error {
	st, ok := p.(*makerlink.Startup)
	if !ok || st.SpaceID == "" || string(st.SpaceID) == had {
		return nil
	}
	_, err := s.store.FindProfileRecord(c.UserContext(), makerlink.KindSpace, string(st.SpaceID))
	if makerlink.ErrorCode(err) == makerlink.ENotFound {
		var v makerlink.Validation
		v.Add("space_id", makerlink.FInvalid, "names no space")
		return v.Err()
	}
	return err
}
