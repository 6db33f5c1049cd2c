package api

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// The investor pipeline: a private deal-flow board per investor account.
// GET /pipeline, GET /pipeline.csv, GET|PUT|DELETE /pipeline/{startup_id};
// and the founder's anonymous feedback, GET /startups/{id}/feedback.
// Another investor's entries do not exist for the caller: 404.

func requireInvestor(u *makerlink.User) error {
	if !u.Has(makerlink.RoleInvestor) {
		return makerlink.Errorf(makerlink.EForbidden, "Only investors keep a pipeline; add the investor role to your account.")
	}
	return nil
}

// pipelineStore checks the caller is an investor and returns the store.
func (s *Server) pipelineStore(c *fiber.Ctx) (makerlink.ConnectionStore, error) {
	cs, err := s.connStore()
	if err != nil {
		return nil, err
	}
	if err := requireInvestor(viewer(c)); err != nil {
		return nil, err
	}
	return cs, nil
}

// listPipeline handles GET /pipeline?limit=&cursor=: the caller's board,
// most recently changed first, 20 entries a page unless limit says
// otherwise (1..100); clients follow next_cursor for the rest.
func (s *Server) listPipeline(c *fiber.Ctx) error {
	cs, err := s.pipelineStore(c)
	if err != nil {
		return err
	}
	page, err := readListPage(c)
	if err != nil {
		return err
	}
	list, err := cs.FindPipeline(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	list, next := pageOf(list, pipelineKey, page)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(list, next))
}

// pipelineKey orders a board most recently changed first, then by startup.
func pipelineKey(e *makerlink.PipelineEntry) string {
	return sortKey(math.MaxInt64-e.UpdatedAt.UnixMicro(), e.StartupID)
}

// pipelineCSV handles GET /pipeline.csv: the board as a spreadsheet.
func (s *Server) pipelineCSV(c *fiber.Ctx) error {
	cs, err := s.pipelineStore(c)
	if err != nil {
		return err
	}
	list, err := cs.FindPipeline(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	rows := [][]string{{"startup_id", "startup_name", "stage", "note", "pass_reason", "source", "created_at", "updated_at"}}
	for _, e := range list {
		rows = append(rows, []string{e.StartupID, e.StartupName, e.Stage, e.Note, e.PassReason, e.Source, fmtTime(e.CreatedAt), fmtTime(e.UpdatedAt)})
	}
	return sendCSV(c, "pipeline.csv", rows)
}

// getPipelineEntry handles GET /pipeline/{startup_id}.
func (s *Server) getPipelineEntry(c *fiber.Ctx) error {
	cs, err := s.pipelineStore(c)
	if err != nil {
		return err
	}
	e, err := cs.FindPipelineEntry(c.UserContext(), viewer(c).ID, pathID(c, "startup_id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(e)
}

// putPipelineEntry handles PUT /pipeline/{startup_id}: add the startup to
// the caller's board or move it; a passed stage may give a pass_reason code.
// An omitted note keeps the stored one.
func (s *Server) putPipelineEntry(c *fiber.Ctx) error {
	cs, err := s.pipelineStore(c)
	if err != nil {
		return err
	}
	var u makerlink.PipelineUpdate
	if err := decodeJSON(c.Body(), &u); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	ctx, me := c.UserContext(), viewer(c)
	id := pathID(c, "startup_id")
	rec, err := s.store.FindProfileRecord(ctx, makerlink.KindStartup, id)
	if err != nil {
		return err
	}
	if !makerlink.CanView(me, rec.OwnerID, makerlink.Tags{Visibility: rec.Visibility}) {
		return errProfileNotFound()
	}
	e, err := cs.SavePipelineEntry(ctx, me.ID, id, u)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// deletePipelineEntry handles DELETE /pipeline/{startup_id}.
func (s *Server) deletePipelineEntry(c *fiber.Ctx) error {
	cs, err := s.pipelineStore(c)
	if err != nil {
		return err
	}
	if err := cs.DeletePipelineEntry(c.UserContext(), viewer(c).ID, pathID(c, "startup_id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// startupFeedback handles GET /startups/{id}/feedback: for the founder
// (or an admin), how many investors passed and, once at least three did,
// how often each reason was given. Investors are never named.
func (s *Server) startupFeedback(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	id := pathID(c, "id")
	rec, err := s.store.FindProfileRecord(ctx, makerlink.KindStartup, id)
	if err != nil {
		return err
	}
	if !makerlink.CanView(u, rec.OwnerID, makerlink.Tags{Visibility: rec.Visibility}) {
		return errProfileNotFound()
	}
	if !makerlink.CanEdit(u, rec.OwnerID) {
		return makerlink.Errorf(makerlink.EForbidden, "Only the startup's founder sees investors' feedback.")
	}
	reasons, err := cs.PassReasons(ctx, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(makerlink.AggregatePassReasons(id, reasons))
}
