package main

import (
	"os"
	"testing"
)

// mainEnv makes the test binary run synfin's main: tests start synfin as
// a subprocess this way (signals, terminals).
const mainEnv = "SYNFIN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Args = append([]string{"synfin"}, os.Args[1:]...)
		main()
	}
	os.Exit(m.Run())
}
