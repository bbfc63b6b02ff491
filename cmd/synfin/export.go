package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/web"
)

const exportUsage = `Usage: synfin export -r FILE [--conn N] [--lang en|zh] [-o OUT.html] [FILTER]

Writes one self-contained web page (HTML with its CSS and JavaScript
inline; it loads nothing from the network) that replays the connections
of a capture: the sequence diagram, the RFC 9293 state diagram with both
endpoints lit, the explanation of every packet in English and Chinese,
and predict mode. Keys: ← → step, Home/End, space play/pause, p predict,
L language.

Link to a moment with the URL fragment #conn=N&step=K (K = after the K-th
step of connection N: a packet, or a timer such as 2MSL ending; 0 = before
its first packet), e.g.
  file:///home/me/lesson.html#conn=1&step=5

Connections are numbered from 1 in order of their first packet, as in
'synfin summary'. FILTER is a tcpdump-style expression. Without -o the
page is written to the capture's name with .html in the current
directory; -o - writes to standard output. An existing file is never
overwritten unless --force is given (and never through a symlink).

Flags:
`

func runExport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("r", "", "capture file to read (pcap or pcapng, gzip ok)")
	conn := fs.Uint64("conn", 0, "number of the connection to export (default: all, with a list to pick from)")
	out := fs.String("o", "", "page to write (default: the capture's name with .html; - for standard output)")
	langFlag := fs.String("lang", "", "language shown first: en or zh (default: from LC_ALL, LC_MESSAGES, LANG); the page switches")
	force := fs.Bool("force", false, "replace an existing regular file given with -o")
	tw := fs.Duration("time-wait", fsm.DefaultTimeWait, "how long TIME_WAIT lasts (2MSL) in capture time")
	if err := parseFlags(fs, args, exportUsage, e); err != nil {
		return err
	}
	if *file == "" {
		return usagef("export: -r FILE is required (a .pcap or .pcapng capture)")
	}
	lang := i18n.FromEnv()
	if *langFlag != "" {
		l, err := i18n.ParseLang(*langFlag)
		if err != nil {
			return usagef("export: --lang %q: want en or zh", *langFlag)
		}
		lang = l
	}
	if *tw <= 0 {
		return usagef("export: --time-wait must be positive, got %s", *tw)
	}
	dest := *out
	if dest == "" {
		base := filepath.Base(*file)
		for _, ext := range []string{".gz", ".pcapng", ".pcap", ".cap"} {
			base = strings.TrimSuffix(base, ext)
		}
		dest = base + ".html"
	}
	src, err := openFiltered(*file, strings.Join(fs.Args(), " "))
	if err != nil {
		return err
	}
	defer src.Close()
	conns, total, err := web.Collect(ctx, src, fsm.Config{TimeWait: *tw}, *conn)
	if err != nil && !strings.Contains(err.Error(), strconv.Quote(*file)) {
		err = fmt.Errorf("%q: %w", *file, err) // capture's errors name the file already
	}
	if len(conns) == 0 {
		switch {
		case err != nil:
			return fmt.Errorf("export: %w", err)
		case total == 0:
			return fmt.Errorf("export: %q holds no TCP connection", *file)
		case *conn <= uint64(total):
			// Numbers are the tracker's IDs; this one was dropped.
			return usagef("export: %q: connection %d was dropped to bound memory (the oldest finished connections go first); 'synfin diagram -r FILE --conn %d' lists the numbers held", *file, *conn, *conn)
		}
		return usagef("export: %q has %d connection(s); pick --conn between 1 and %d", *file, total, total)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var size int64
	werr := writePage(dest, *force, e.stdout, func(w io.Writer) error {
		cw := &countWriter{w: w}
		err := web.Write(cw, conns, web.Options{Lang: lang, Source: filepath.Base(*file)})
		size = cw.n
		return err
	})
	if werr != nil {
		return fmt.Errorf("export: %w", werr)
	}
	if dest != "-" {
		fmt.Fprintf(e.stderr, "synfin: wrote %q (%d connection(s), %.1f MB); open it in a browser, link a moment with #conn=%d&step=1\n", dest, len(conns), float64(size)/1e6, conns[0].Conn.ID)
	}
	if err != nil {
		// A damaged tail: the page shows the packets read before it.
		return fmt.Errorf("export: %w (the page shows the packets read before it)", err)
	}
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writePage writes the page to dest ("-": stdout) through write.
func writePage(dest string, force bool, stdout io.Writer, write func(io.Writer) error) error {
	if dest == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := createOutput(dest, force)
	if err != nil {
		return err
	}
	made, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removeOurs(f.Name(), made)
		return fmt.Errorf("%q: %w", dest, err)
	}
	if f.Name() != dest {
		if err := os.Rename(f.Name(), dest); err != nil {
			removeOurs(f.Name(), made)
			return fmt.Errorf("%q: %w", dest, err)
		}
	}
	return nil
}

// removeOurs removes name, the half-written file createOutput made, only
// if it still is that file (made: its Stat when created); a name someone
// replaced meanwhile is left alone.
func removeOurs(name string, made os.FileInfo) {
	if now, err := os.Lstat(name); err == nil && os.SameFile(made, now) {
		os.Remove(name)
	}
}

// createOutput creates path for writing without following a symlink and
// without truncating anything: a new file is created exclusively
// (O_CREATE|O_EXCL|O_NOFOLLOW). An existing path is refused, unless force
// is set and it is a regular file: then a new temporary file is created
// beside it, to be renamed over it once complete (the caller renames when
// the returned file's name differs from path). It does not use
// internal/safefile: safefile.Create has no replace-by-rename for
// --force, and its refusals name no flag ("choose another -o", "add
// --force") where these do.
func createOutput(path string, force bool) (*os.File, error) {
	const flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL | noFollow
	f, err := os.OpenFile(path, flags, 0o644)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, quotePathError(path, err)
	}
	fi, lerr := os.Lstat(path)
	switch {
	case lerr != nil:
		return nil, quotePathError(path, lerr)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%q exists and is not a regular file (%s); choose another -o", path, fi.Mode().Type())
	case !force:
		return nil, fmt.Errorf("%q exists; choose another -o, or add --force to replace it", path)
	}
	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(filepath.Clean(dir+"."), "."+base+".tmp*")
	if err != nil {
		return nil, err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil { // keep the replaced file's mode
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// quotePathError names path quoted (it may hold escape sequences) in
// place of the raw name an *fs.PathError prints.
func quotePathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%q: %w", path, err)
}
