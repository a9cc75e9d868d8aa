package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// entry is one file or directory to archive: its name inside the archive and its normalised mode.
type entry struct {
	name string // slash-separated, under the top directory; directories end in "/"
	src  string // path on disk; empty for a directory
	mode fs.FileMode
}

// collect lists dir's tree in lexical order, under a top directory named after dir. Only the
// executable bit survives from the disk: modes are 0755 or 0644, so archives do not depend on
// the builder's umask.
func collect(dir string) ([]entry, error) {
	top := filepath.Base(filepath.Clean(dir))
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(top, filepath.ToSlash(rel))
		switch info, err := d.Info(); {
		case err != nil:
			return err
		case d.IsDir():
			out = append(out, entry{name: name + "/", mode: fs.ModeDir | 0o755})
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o644)
			if info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			out = append(out, entry{name: name, src: p, mode: mode})
		default:
			return fmt.Errorf("%s: not a regular file or directory", p)
		}
		return nil
	})
	return out, err
}

// writeArchive writes dir as out, a .tar.gz or a .zip by its name, every entry timed mtime.
func writeArchive(out, dir string, mtime time.Time) (err error) {
	entries, err := collect(dir)
	if err != nil {
		return err
	}
	var write func(io.Writer, []entry, time.Time) error
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		write = writeTarGz
	case strings.HasSuffix(out, ".zip"):
		write = writeZip
	default:
		return fmt.Errorf("%s: the name must end in .tar.gz or .zip", out)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if err := write(f, entries, mtime); err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	return nil
}

// writeTarGz writes a gzipped PAX archive owned by root, with no host user or group names.
func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // a valid level: no error
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := addTar(tw, e, mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func addTar(tw *tar.Writer, e entry, mtime time.Time) error {
	h := &tar.Header{Name: e.name, Mode: int64(e.mode.Perm()), ModTime: mtime, Format: tar.FormatPAX, Typeflag: tar.TypeDir}
	if e.src == "" {
		return tw.WriteHeader(h)
	}
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	h.Typeflag, h.Size = tar.TypeReg, info.Size()
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// writeZip writes a deflated zip archive whose entries carry Unix modes (unzip restores the
// executable bit) and mtime.
func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		if err := addZip(zw, e, mtime); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addZip(zw *zip.Writer, e entry, mtime time.Time) error {
	h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
	h.SetMode(e.mode)
	if e.src == "" {
		h.Method = zip.Store
		_, err := zw.CreateHeader(h)
		return err
	}
	dst, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(dst, f)
	return err
}
