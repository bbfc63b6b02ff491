package lab

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// NS is a network namespace this program created with `ip netns add`
// (so that `ip -n NAME ...` and `ip netns exec NAME ...` reach it too).
// Only namespaces made by NewNS are ever deleted.
type NS struct {
	Name string
	fd   int // open /run/netns/NAME, for setns
}

// NewNS creates the namespace name, brings its loopback up and turns IPv6
// off in it (no router or neighbour solicitations on the lab's links).
func NewNS(name string) (*NS, error) {
	if err := ipCmd("netns", "add", name); err != nil {
		return nil, err
	}
	n := &NS{Name: name, fd: -1}
	fd, err := unix.Open("/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		n.Close()
		return nil, fmt.Errorf("open /run/netns/%s: %w", name, err)
	}
	n.fd = fd
	if err := n.IP("link", "set", "lo", "up"); err != nil {
		n.Close()
		return nil, err
	}
	for _, kv := range []string{"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"} {
		if err := n.Sysctl(kv); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// IP runs `ip -n NAME args...`.
func (n *NS) IP(args ...string) error {
	return ipCmd(append([]string{"-n", n.Name}, args...)...)
}

// Sysctl sets key=value inside the namespace (the net.* keys are per
// namespace), by writing /proc/sys from a thread that entered it.
func (n *NS) Sysctl(kv string) error {
	key, val, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("sysctl %q: want key=value", kv)
	}
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	return n.Do(func() error {
		// /proc/thread-self/... would follow this thread; /proc/sys/net
		// shows the namespace of the task that opens it.
		return os.WriteFile(path, []byte(val), 0)
	})
}

// Do runs f on an OS thread that entered the namespace, then returns the
// thread to the namespace it came from. Sockets f creates stay in the
// namespace for their whole life, whichever thread uses them later. A
// thread that cannot go back is left locked, so Go retires it.
func (n *NS) Do(f func() error) error {
	runtime.LockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer unix.Close(orig)
	if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter network namespace %s: %w", n.Name, err)
	}
	ferr := f()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("leave network namespace %s: %w", n.Name, err) // thread stays locked: retired
	}
	runtime.UnlockOSThread()
	return ferr
}

// Enter moves the calling goroutine's thread into the namespace for good:
// the goroutine must have called runtime.LockOSThread and must end
// without unlocking, so the thread is retired with it.
func (n *NS) Enter() error {
	if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter network namespace %s: %w", n.Name, err)
	}
	return nil
}

// Close deletes the namespace (it was created by NewNS).
func (n *NS) Close() error {
	if n.fd >= 0 {
		unix.Close(n.fd)
		n.fd = -1
	}
	return ipCmd("netns", "del", n.Name)
}

func ipCmd(args ...string) error {
	cmd := exec.Command("ip", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
