// This file reads a recording from a Prometheus TSDB folder (a snapshot, a
// stopped server's data directory, promtool's blocks) read-only, writing
// nothing into the folder.

package recording

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// ReadTSDB reads every float sample of a Prometheus TSDB folder: a
// snapshot (/api/v1/admin/tsdb/snapshot writes one block per folder), a
// data directory copied from a stopped server (its WAL is replayed), or
// the output of promtool tsdb create-blocks-from. Nothing is written into
// dir: the reader's scratch space is a temporary folder.
func ReadTSDB(ctx context.Context, dir string) (*Recording, error) {
	if err := looksLikeTSDB(dir); err != nil {
		return nil, err
	}
	sandbox, err := os.MkdirTemp("", "rehearse-recording-")
	if err != nil {
		return nil, fmt.Errorf("reading the TSDB %s needs a temporary folder (check TMPDIR): %w", dir, err)
	}
	defer os.RemoveAll(sandbox)
	db, err := tsdb.OpenDBReadOnly(dir, sandbox, nil)
	if err != nil {
		return nil, fmt.Errorf("the TSDB %s cannot be opened: %w", dir, err)
	}
	r, err := readDB(ctx, db, hasWAL(dir))
	err = errors.Join(err, db.Close())
	if err != nil {
		return nil, fmt.Errorf("reading the TSDB %s: %w", dir, err)
	}
	r.Source, r.Format = dir, "TSDB"
	return r, nil
}

// looksLikeTSDB refuses a folder with neither a block nor a WAL, naming
// what a TSDB folder holds.
func looksLikeTSDB(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("the recording %s cannot be read: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() && (e.Name() == "wal" || fileExists(filepath.Join(dir, e.Name(), "meta.json"))) {
			return nil
		}
	}
	return fmt.Errorf("%s is not a Prometheus TSDB: it has no block (a folder with meta.json) and no wal folder; give the snapshot folder the admin API named, or Prometheus's --storage.tsdb.path", dir)
}

func hasWAL(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "wal"))
	return err == nil && st.IsDir()
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// readDB selects every series. Without a WAL the query stops at the last
// block's end, so the read-only DB does not look for one.
func readDB(ctx context.Context, db *tsdb.DBReadOnly, wal bool) (*Recording, error) {
	maxt := int64(math.MaxInt64)
	if !wal {
		blocks, err := db.Blocks()
		if err != nil {
			return nil, err
		}
		if len(blocks) == 0 {
			return nil, errors.New("the TSDB holds no block")
		}
		maxt = blocks[len(blocks)-1].Meta().MaxTime - 1
	}
	q, err := db.Querier(math.MinInt64, maxt)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	set := q.Select(ctx, true, nil, labels.MustNewMatcher(labels.MatchRegexp, labels.MetricName, ".+"))
	return readSet(set)
}

func readSet(set storage.SeriesSet) (*Recording, error) {
	r := &Recording{}
	var it chunkenc.Iterator
	for set.Next() {
		s := set.At()
		out := Series{Labels: s.Labels()}
		it = s.Iterator(it)
		for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
			if vt != chunkenc.ValFloat {
				r.Skipped = append(r.Skipped, fmt.Sprintf("native histogram samples of %s (rehearse loads float samples; classic histograms work)", out.Labels))
				break
			}
			t, v := it.At()
			out.Samples = append(out.Samples, Sample{T: t, V: v})
		}
		if err := it.Err(); err != nil {
			return nil, fmt.Errorf("series %s: %w", out.Labels, err)
		}
		if len(out.Samples) > 0 {
			r.Series = append(r.Series, out)
		}
	}
	return r, set.Err()
}
