// Package safefile opens the files synfin writes (-w captures, --log,
// diagram and web exports) so that running as root can never destroy
// something the user did not mean to write.
//
// The rules, from issue 8 and PITFALLS.md ("Tests and files"):
//
//   - a new file is created with O_CREAT|O_EXCL|O_NOFOLLOW: never through
//     a symbolic link, never racing with someone who creates the name
//     between a check and the open;
//   - an existing path is opened with O_NOFOLLOW|O_NONBLOCK and checked
//     with fstat on the opened descriptor (no check-then-use race): a
//     symbolic link, a device (/dev/full, /dev/sda), a FIFO, a socket or a
//     directory is refused, and so is a regular file with more than one
//     hard link (writing it would change another name too);
//   - only an existing regular file with one link, which the user named,
//     is overwritten (as tcpdump -w does), and only after those checks;
//   - nothing is ever removed unless this package created it in the same
//     call (File.Abandon) and the name still refers to that very file.
//
// Errors are one line, name the file quoted with strconv.Quote (a name
// may carry terminal escape sequences) and say what to do instead.
//
// The functions are safe for concurrent use; a File is an *os.File.
package safefile
