// Package matching ranks investors, mentors and lab equipment for a startup,
// and startups for an investor or a mentor, and says why.
//
// Every profile becomes a dense float32 row (see [Layout]): sectors smoothed
// by a sector-similarity matrix, stage, money on a log scale, city, hashed
// TF-IDF text, a portfolio centroid and a few per-candidate terms (capacity
// left, exposure). The candidates of one kind live in one [Table], a
// row-major matrix updated in place: an upsert rewrites one row, a removal
// puts the row on a free list, nothing is rebuilt per request or per change.
//
// A query is one weighted dot product over the whole matrix (blas32.Gemv),
// then a partial top-k with a heap; the per-factor contributions and the
// reasons are computed for the k winners only. The score is the weighted sum
// of factor values in [0,1] divided by the sum of the positive weights and
// clamped to [0,1], so a reason's share of the score is its contribution.
//
// [Engine] is the service-facing API (safe for concurrent use); [Assign]
// proposes an optimal mentor-to-startup assignment under mentor capacities.
// Subpackage crunchbase maps the Crunchbase 2013 data onto the same [Table]
// scorer for the `makerlink rank` and `makerlink rank-eval` commands.
//
// The package does not log and does not touch storage: callers feed it
// profiles, feedback and request counts, and it returns errors of type
// *makerlink.Error for anything a user can cause.
package matching
