// Package web serves the makerlink web app: bilingual (Chinese by default,
// English on request) server-rendered pages, small JavaScript ES modules and
// one stylesheet, all embedded in the binary.
//
// Pages are html/template shells that carry their strings, vocabularies and
// the list of API features the server offers in a JSON data block; their
// modules fetch the JSON API under /api/v1 with the user's token (kept in
// localStorage and sent as "Authorization: Bearer"). A page whose endpoint the
// server does not offer yet says so instead of calling it.
//
// Wire it into a Fiber app with [New] and [Web.Register]:
//
//	w, err := web.New(web.Config{Logger: log})
//	if err != nil { ... }
//	w.Register(app)
//
// Register mounts the page routes (/, /search, /signin, /startups/:id, ...),
// /lang/:lang (the language switch, remembered in the "lang" cookie) and
// /static/* (content-hashed URLs served with long-lived cache headers).
package web
