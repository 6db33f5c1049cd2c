package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
	"makerlink/store"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

func runMigrate(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := configFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("create data dir: %w", err)
		}
	}
	return store.Migrate(ctx, cfg.DSN(), newLogger(stderr))
}

func runSeed(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := configFlags(fs)
	n := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	total := fs.Int("total", 0, "approximate number of profiles (0 = demo size; 100000 for benchmarks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("create data dir: %w", err)
		}
	}
	log := newLogger(stderr)
	st, err := store.Open(ctx, cfg.DSN(), log)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	return loadDemo(ctx, st, seed.Options{Seed: *n, Total: *total}, log)
}

func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: makerlink admin create --email E --name N [--password P]")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := configFlags(fs)
	email := fs.String("email", "", "administrator email (required)")
	name := fs.String("name", "Administrator", "display name")
	password := fs.String("password", os.Getenv("MAKERLINK_ADMIN_PASSWORD"), "password, at least 8 characters (env MAKERLINK_ADMIN_PASSWORD)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	*email = strings.ToLower(strings.TrimSpace(*email))
	if *email == "" || !strings.Contains(*email, "@") {
		return errors.New("--email is required")
	}
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("create data dir: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.DSN(), newLogger(stderr))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()

	u, _, err := st.FindUserByEmail(ctx, *email)
	switch {
	case err == nil:
		if err := st.AddRole(ctx, u.ID, makerlink.RoleAdmin); err != nil {
			return fmt.Errorf("grant admin: %w", err)
		}
		fmt.Fprintf(stdout, "granted admin to existing user %s (%s)\n", u.Email, u.ID)
		return nil
	case makerlink.ErrorCode(err) != makerlink.ENotFound:
		return fmt.Errorf("find user: %w", err)
	}
	if len(*password) < 8 {
		return errors.New("--password (or MAKERLINK_ADMIN_PASSWORD) of at least 8 characters is required for a new user")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(*password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	u = &makerlink.User{Email: *email, Name: *name, Roles: []makerlink.Role{makerlink.RoleAdmin}}
	if err := st.CreateUser(ctx, u, string(hash)); err != nil {
		return fmt.Errorf("create admin: %w", err)
	}
	fmt.Fprintf(stdout, "created admin %s (%s)\n", u.Email, u.ID)
	return nil
}

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := configFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr)
	st, err := store.Open(ctx, cfg.DSN(), log)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	n, err := search.Rebuild(ctx, filepath.Join(cfg.DataDir, "search.bleve"), st, search.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(stdout, "indexed %d profiles\n", n)
	return nil
}
