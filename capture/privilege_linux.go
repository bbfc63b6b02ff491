package capture

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// CanCaptureLive returns nil if this process may open a packet socket (the
// check live capture needs), a *PermissionError if it lacks CAP_NET_RAW,
// or another error. It opens a socket that receives nothing and closes it.
func CanCaptureLive() error {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return socketError("live capture: open a packet socket", err)
	}
	unix.Close(fd)
	return nil
}

func socketError(op string, err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return &PermissionError{Op: op, Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// PrivateNetnsCommand returns a command that runs this executable again,
// with args, inside a new user namespace and a new network namespace, the
// caller's uid and gid mapped to root there. The child is root with
// CAP_NET_RAW over its own network namespace only, so an unprivileged user
// can capture there: the child must call BringLoopbackUp first (a new
// namespace's lo is down) and can then capture its own loopback traffic,
// for example the demo's server and client. InPrivateNetns reports true
// in the child. The caller sets Stdin/Stdout/Stderr and runs the command;
// the child is killed if the parent dies.
//
// It fails where unprivileged user namespaces are disabled
// (kernel.unprivileged_userns_clone=0, AppArmor's
// restrict_unprivileged_userns): the error comes from Start.
func PrivateNetnsCommand(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("private network namespace: find this executable: %w", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), privateNetnsEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false, // required for an unprivileged gid map
		Pdeathsig:                  syscall.SIGKILL,
	}
	return cmd, nil
}

// BringLoopbackUp sets the loopback interface up (SIOCSIFFLAGS), as a
// process in a new network namespace must before using 127.0.0.1 or ::1.
// It does nothing if it is up already.
func BringLoopbackUp() error {
	name, err := LoopbackInterface()
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("bring %q up: %w", name, err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return fmt.Errorf("bring %q up: %w", name, err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring %q up: read flags: %w", name, err)
	}
	flags := ifr.Uint16()
	if flags&unix.IFF_UP != 0 {
		return nil
	}
	ifr.SetUint16(flags | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		if errors.Is(err, unix.EPERM) {
			return fmt.Errorf("bring %q up: %w (needs CAP_NET_ADMIN in this network namespace)", name, err)
		}
		return fmt.Errorf("bring %q up: %w", name, err)
	}
	return nil
}

// hardwareType returns the ARPHRD_* type of an interface.
func hardwareType(name string) (uint16, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFHWADDR, ifr); err != nil {
		return 0, err
	}
	return ifr.Uint16(), nil // sa_family of ifr_hwaddr
}

// interfaceUp reports whether the interface is administratively up.
func interfaceUp(i *net.Interface) bool { return i.Flags&net.FlagUp != 0 }
