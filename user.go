package makerlink

import (
	"slices"
	"time"
)

// Role is what an account may do. Users pick any of the self-service roles at
// registration; RoleAdmin is granted only by the `makerlink admin create`
// command.
type Role string

// Roles.
const (
	RoleFounder   Role = "founder"
	RoleInvestor  Role = "investor"
	RoleMentor    Role = "mentor"
	RoleLab       Role = "lab"
	RoleOrganizer Role = "organizer"
	RoleAdmin     Role = "admin"
)

// SelfServiceRoles are the roles a user may choose when registering.
var SelfServiceRoles = []Role{RoleFounder, RoleInvestor, RoleMentor, RoleLab, RoleOrganizer}

// User is an account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Roles     []Role    `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// Has reports whether the user holds the role. A nil user holds none.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// IsAdmin reports whether the user is an administrator.
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// CanView reports whether viewer (nil when anonymous) may see profile tags t
// owned by ownerID. Startups visible to investors only are shown to signed-in
// investors, their owner and admins.
func CanView(viewer *User, ownerID string, t Tags) bool {
	if t.Visibility != VisibilityInvestors {
		return true
	}
	return viewer != nil && (viewer.ID == ownerID || viewer.Has(RoleInvestor) || viewer.IsAdmin())
}

// SeesHidden reports whether viewer sees every investors-only startup.
func SeesHidden(viewer *User) bool { return viewer.Has(RoleInvestor) || viewer.IsAdmin() }

// CanEdit reports whether viewer may change or delete a profile of ownerID.
func CanEdit(viewer *User, ownerID string) bool {
	return viewer != nil && (viewer.ID == ownerID || viewer.IsAdmin())
}

// Session is a signed-in token. The store keeps only a hash of the token.
type Session struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}
