//go:build !unix

package main

// noFollow is 0 where the system has no O_NOFOLLOW (Windows): there
// O_CREATE|O_EXCL creates with CREATE_NEW, which fails on any existing
// name, a symbolic link included, so nothing is followed either; Go
// opens files non-inheritable by default.
const noFollow = 0
