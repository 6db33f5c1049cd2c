package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// asset is one embedded static file, ready to send.
type asset struct {
	body  []byte
	gz    []byte // gzip of body, or nil when it does not pay
	etag  string
	ctype string
}

// assets indexes the embedded static files. version is a hash of all of
// them: it is part of every static URL, so a release never serves a stale
// cached file.
type assets struct {
	files   map[string]*asset
	version string
}

func loadAssets(fsys fs.FS, root string) (*assets, error) {
	names, err := walkFiles(fsys, root)
	if err != nil {
		return nil, err
	}
	a := &assets{files: map[string]*asset{}}
	all := sha256.New()
	for _, name := range names {
		body, err := fs.ReadFile(fsys, root+"/"+name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		all.Write([]byte(name))
		all.Write(sum[:])
		f := &asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: contentType(name)}
		if compressible(f.ctype) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				f.gz = buf.Bytes()
			}
		}
		a.files[name] = f
	}
	a.version = hex.EncodeToString(all.Sum(nil)[:6])
	return a, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json":
		return "application/json; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// serveAsset answers GET /static/:ver/*. URLs with the current version are
// cached for a year; an old version still gets the current file, revalidated
// on each use.
func (w *Web) serveAsset(c *fiber.Ctx) error {
	return w.serveAssetPath(c, c.Params("ver"), c.Params("*"))
}

func (w *Web) serveAssetPath(c *fiber.Ctx, ver, name string) error {
	f, ok := w.assets.files[path.Clean(name)]
	if !ok || strings.HasPrefix(name, ".") {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusNotFound).SendString("not found")
	}
	if ver == w.assets.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentType, f.ctype)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if f.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}

// AssetSizes returns the uncompressed size in bytes of every embedded
// static file by name, for size budgets and benchmarks.
func (w *Web) AssetSizes() map[string]int {
	out := make(map[string]int, len(w.assets.files))
	for name, f := range w.assets.files {
		out[name] = len(f.body)
	}
	return out
}
