package capture_test

import (
	"fmt"

	"github.com/synfin/synfin/capture"
)

// The program for "tcp dst port 80", as the kernel runs it on each frame.
func ExampleCompileFilter() {
	prog, err := capture.CompileFilter("tcp dst port 80")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, ins := range prog {
		fmt.Printf("(%03d) %v\n", i, ins)
	}
	_, err = capture.CompileFilter("tcp port http")
	fmt.Println(err)
	// Output:
	// (000) ldh [12]
	// (001) jneq #34525,4
	// (002) ldb [20]
	// (003) jneq #6,2
	// (004) ldh [56]
	// (005) jeq #80,9
	// (006) ldh [12]
	// (007) jneq #2048,8
	// (008) ldb [23]
	// (009) jneq #6,6
	// (010) ldh [20]
	// (011) jset #8191,4
	// (012) ldx 4*([14]&0xf)
	// (013) ldh [x + 16]
	// (014) jneq #80,1
	// (015) ret #262144
	// (016) ret #0
	// filter "tcp port http": port "http": want a number 0-65535 (service names are not supported)
}
