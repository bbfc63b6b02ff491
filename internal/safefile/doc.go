// Package safefile opens the files synfin writes (-w captures, --log,
// diagram and web exports) so that running as root can never destroy
// something the user did not mean to write.
//
// The rules, from issue 8 and PITFALLS.md ("Tests and files"):
//
//   - a new file is created with O_CREAT|O_EXCL|O_NOFOLLOW: never through
//     a symbolic link, never racing with someone who creates the name
//     between a check and the open;
//   - Create never opens an existing path: it says what is there (a
//     file, a symbolic link, a device such as /dev/full, a FIFO, a
//     directory) and how to go on. Nothing synfin did not create is
//     truncated, and outputs are never written through links;
//   - Append (logs) opens an existing path with O_NOFOLLOW|O_NONBLOCK and
//     checks it with fstat on the opened descriptor (no check-then-use
//     race): only a regular file with one link is appended to, never
//     truncated;
//   - nothing is ever removed unless this package created it in the same
//     call (File.Abandon) and the name still refers to that very file.
//
// Errors are one line, name the file quoted with strconv.Quote (a name
// may carry terminal escape sequences) and say what to do instead.
//
// The functions are safe for concurrent use; a File is an *os.File.
package safefile
