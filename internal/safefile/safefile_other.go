//go:build !unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
)

type fileID struct{ st fs.FileInfo }

func sameFile(st fs.FileInfo, id fileID) bool { return os.SameFile(st, id.st) }

// open without O_NOFOLLOW: the name is checked with Lstat before and the
// opened file compared with it after, so a swap in between is refused.
func open(path string, appendMode bool) (*File, error) {
	if path == "" {
		return nil, &Error{Path: path, What: "an empty name", Fix: "name a file"}
	}
	flags := os.O_WRONLY
	if appendMode {
		flags |= os.O_APPEND
	}
	before, err := os.Lstat(path)
	created := errors.Is(err, fs.ErrNotExist)
	switch {
	case created:
		flags |= os.O_CREATE | os.O_EXCL
	case err != nil:
		return nil, pathError("stat", path, err)
	case !before.Mode().IsRegular():
		return nil, notRegular(path, before.Mode())
	case !appendMode:
		return nil, existsError(path)
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, pathError("create", path, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || (!created && !os.SameFile(st, before)) {
		f.Close()
		return nil, &Error{Path: path, What: "changing while it was opened", Fix: "try again"}
	}
	return &File{File: f, created: created, path: path, ident: fileID{st}}, nil
}
