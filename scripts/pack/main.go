// Command pack writes plummock's release archives and their checksum file, byte for byte the same
// on every machine (fixed owner, modes and times; no dependence on the host's tar or zip), so
// scripts/release.sh needs nothing beyond Go.
//
//	go run ./scripts/pack archive -mtime EPOCH OUT.tar.gz|OUT.zip DIR
//	go run ./scripts/pack sums DIR
//
// archive puts DIR's files under one top directory named after DIR; sums writes DIR/SHA256SUMS
// for the archives in DIR, in the format `sha256sum -c` reads.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

const usage = "usage: pack archive -mtime EPOCH OUT.tar.gz|OUT.zip DIR | pack sums DIR\n"

// run dispatches a subcommand and returns the exit code.
func run(args []string, stderr io.Writer) int {
	var err error
	switch {
	case len(args) == 5 && args[0] == "archive" && args[1] == "-mtime":
		var epoch int64
		if epoch, err = strconv.ParseInt(args[2], 10, 64); err != nil {
			err = fmt.Errorf("-mtime: %w", err)
			break
		}
		err = writeArchive(args[3], args[4], time.Unix(epoch, 0).UTC())
	case len(args) == 2 && args[0] == "sums":
		err = writeSums(args[1])
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "pack: %v\n", err)
		return 1
	}
	return 0
}
