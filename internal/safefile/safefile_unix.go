//go:build unix

package safefile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

type fileID struct{ dev, ino uint64 }

func sameFile(st fs.FileInfo, id fileID) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && uint64(s.Dev) == id.dev && uint64(s.Ino) == id.ino
}

func open(path string, appendMode bool) (*File, error) {
	if path == "" {
		return nil, &Error{Path: path, What: "an empty name", Fix: "name a file"}
	}
	flags := unix.O_WRONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW
	if appendMode {
		flags |= unix.O_APPEND
	}
	created := true
	fd, err := unix.Open(path, flags|unix.O_CREAT|unix.O_EXCL, 0o644)
	for err == unix.EINTR {
		fd, err = unix.Open(path, flags|unix.O_CREAT|unix.O_EXCL, 0o644)
	}
	if err == unix.EEXIST && !appendMode {
		// Never truncate what synfin did not create: say what is there.
		st, lerr := os.Lstat(path)
		switch {
		case lerr != nil:
			return nil, pathError("create", path, err)
		case !st.Mode().IsRegular():
			return nil, notRegular(path, st.Mode())
		}
		return nil, existsError(path)
	}
	if err == unix.EEXIST {
		// Append to an existing file: open without creating, without
		// following a link, without blocking on a FIFO that has no
		// reader; then look at what was opened, not at the name.
		created = false
		fd, err = unix.Open(path, flags|unix.O_NONBLOCK, 0)
		for err == unix.EINTR {
			fd, err = unix.Open(path, flags|unix.O_NONBLOCK, 0)
		}
	}
	if err != nil {
		switch {
		case err == unix.ELOOP, err == unix.EMLINK:
			// O_NOFOLLOW on a symbolic link (EMLINK on some BSDs).
			return nil, notRegular(path, fs.ModeSymlink)
		case err == unix.ENXIO:
			// A FIFO without a reader, or a socket.
			if st, lerr := os.Lstat(path); lerr == nil {
				return nil, notRegular(path, st.Mode())
			}
		case err == unix.EISDIR:
			return nil, notRegular(path, fs.ModeDir)
		}
		return nil, pathError("create", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, pathError("stat", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, notRegular(path, modeOf(uint32(st.Mode)))
	}
	if !created && st.Nlink > 1 {
		unix.Close(fd)
		return nil, &Error{Path: path, What: fmt.Sprintf("a file with %d hard links", st.Nlink),
			Fix: "writing it would change the other names too; choose a new file name"}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, pathError("open", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	return &File{File: f, created: created, path: path,
		ident: fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}}, nil
}

func modeOf(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	}
	return fs.ModeIrregular
}
