//go:build unix

package main

import "syscall"

// noFollow is what createOutput adds to O_CREATE|O_EXCL: never through a
// symbolic link, and not inherited by the child processes synfin starts.
const noFollow = syscall.O_NOFOLLOW | syscall.O_CLOEXEC
