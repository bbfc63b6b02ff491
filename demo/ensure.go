package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/synfin/synfin/capture"
)

// Mode says how the demo captures its own traffic.
type Mode string

// Capture modes.
const (
	// ModeLive: this process may capture loopback (CAP_NET_RAW).
	ModeLive Mode = "live"
	// ModeNamespace: it may not, but it can run again inside a private
	// user and network namespace with its own loopback, where it may
	// (RunInNamespace).
	ModeNamespace Mode = "namespace"
)

// EnsureCapture tells how the demo will capture: ModeLive, ModeNamespace,
// or an error that says in one line why neither works and what to do.
// Inside the private namespace it first brings loopback up.
func EnsureCapture() (Mode, error) {
	if capture.InPrivateNetns() {
		if err := capture.BringLoopbackUp(); err != nil {
			return "", fmt.Errorf("private network namespace: %w", err)
		}
	}
	err := capture.CanCaptureLive()
	if err == nil {
		return ModeLive, nil
	}
	if !capture.IsPermission(err) || capture.InPrivateNetns() {
		return "", err
	}
	if nsErr := probeNamespace(); nsErr != nil {
		return "", fmt.Errorf("%w; a private network namespace is not possible either: %v", err, nsErr)
	}
	return ModeNamespace, nil
}

func probeNamespace() error {
	cmd, err := capture.PrivateNetnsCommand()
	if err != nil {
		return err
	}
	cmd.Env = append(cmd.Env, probeEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		if len(out) > 0 {
			return fmt.Errorf("%v: %s", err, out)
		}
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("%v (unprivileged user namespaces are disabled on this system)", err)
		}
		return err
	}
	return nil
}

// RunInNamespace runs this executable again with args inside a private
// user and network namespace (see capture.PrivateNetnsCommand) and waits
// for it. Only the child's own loopback traffic can be seen there.
func RunInNamespace(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd, err := capture.PrivateNetnsCommand(args...)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start in a private network namespace: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(os.Interrupt)
		err = <-done
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("the run in the private network namespace failed (%v)", ee)
	}
	return err
}
