package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
)

// File is a file opened for writing by Create or Append. Created tells
// whether this call made it, which is what allows Abandon to remove it.
type File struct {
	*os.File
	created bool
	path    string
	ident   fileID // what the name referred to when it was opened
}

// Created reports whether the file did not exist before and was made by
// the call that returned f.
func (f *File) Created() bool { return f.created }

// Create makes a new regular file at path (mode 0644 before umask) and
// opens it for writing, without following a symbolic link. It never
// overwrites: when path exists, whatever it is, the error is one line
// naming it and the fix (errors.Is(err, fs.ErrExist) for a regular file;
// symbolic links, devices, FIFOs and directories are named as such).
func Create(path string) (*File, error) { return open(path, false) }

// Append opens path for appending (logs): a new file, or an existing
// regular file with one link, whose content is kept. Symbolic links,
// anything that is not a regular file and hard-linked files are refused.
func Append(path string) (*File, error) { return open(path, true) }

// Abandon closes f and removes the file, but only if Create or Append
// made it and the name still refers to that same file; a file that
// existed before, or a name someone replaced meanwhile, is left alone.
// It is for the error path: a header that cannot be written, say.
func (f *File) Abandon() error {
	cerr := f.Close()
	if !f.created {
		return cerr
	}
	st, err := os.Lstat(f.path)
	if err != nil || !sameFile(st, f.ident) {
		return cerr // renamed or replaced: not ours any more
	}
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", strconv.Quote(f.path), err)
	}
	return cerr
}

// Error is a refusal: the path exists but is not something synfin may
// write. Errors from the system (permission, missing folder) are
// *os.PathError as usual, with the name quoted.
type Error struct {
	Path string
	What string // "a symbolic link", "a character device", ...
	Fix  string

	exists bool // a regular file Create will not overwrite
}

func (e *Error) Error() string {
	if e.exists {
		return fmt.Sprintf("%s: file exists; synfin does not overwrite files it did not create: remove it or choose another name", strconv.Quote(e.Path))
	}
	return fmt.Sprintf("refusing to write %s: it is %s; %s", strconv.Quote(e.Path), e.What, e.Fix)
}

// Unwrap makes an existing regular file errors.Is(err, fs.ErrExist).
func (e *Error) Unwrap() error {
	if e.exists {
		return fs.ErrExist
	}
	return nil
}

func existsError(path string) error {
	return &Error{Path: path, What: "an existing file", Fix: "remove it or choose another name", exists: true}
}

// kind names a non-regular file mode for messages.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

func notRegular(path string, m fs.FileMode) error {
	fix := "name a regular file (synfin writes only regular files)"
	if m&fs.ModeSymlink != 0 {
		fix = "name the file itself (synfin does not write through links)"
	}
	if m&fs.ModeDir != 0 {
		fix = "name a file inside it"
	}
	return &Error{Path: path, What: kind(m), Fix: fix}
}

// pathError quotes the name in a system error: *os.PathError prints it
// raw, and a name can carry escape sequences.
func pathError(op, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &quotedError{op: op, path: path, err: err}
}

type quotedError struct {
	op, path string
	err      error
}

func (e *quotedError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.op, strconv.Quote(e.path), e.err)
}

func (e *quotedError) Unwrap() error { return e.err }
