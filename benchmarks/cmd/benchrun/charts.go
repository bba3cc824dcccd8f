package main

import (
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gomikro/gomikro/benchmarks"
)

var implColor = map[string]color.RGBA{
	"pgx": {0, 0, 0, 255}, "sql": {0, 0, 0, 255}, "driver": {0, 0, 0, 255}, "pgx-copy": {120, 120, 120, 255},
	"gomikro": {220, 40, 40, 255}, "gorm": {30, 100, 200, 255}, "bun": {40, 160, 60, 255},
}

// drawCharts draws, per backend, books per second against N for each bulk
// workload (one chart per backend, a panel per workload would be hard to
// read: one line per implementation and workload pair is used instead),
// and books per second and p99 against K for the concurrency workloads.
func drawCharts(dir string, sum []Summary) ([]string, error) {
	var files []string
	backends := []string{benchmarks.Postgres, benchmarks.MySQL, benchmarks.SQLite, benchmarks.Mongo}
	for _, be := range backends {
		for _, w := range benchmarks.Workloads {
			if w == benchmarks.WSingle || w == benchmarks.WNoop {
				continue
			}
			conc := benchmarks.IsConcurrent(w)
			series := map[string]plotter.XYs{}
			p99 := map[string]plotter.XYs{}
			var impls []string
			for _, s := range sum {
				if s.Backend != be || s.Workload != w {
					continue
				}
				x := float64(s.N)
				if conc {
					x = float64(s.K)
				}
				if _, ok := series[s.Impl]; !ok {
					impls = append(impls, s.Impl)
				}
				series[s.Impl] = append(series[s.Impl], plotter.XY{X: x, Y: s.EntitiesPerSec})
				p99[s.Impl] = append(p99[s.Impl], plotter.XY{X: x, Y: s.P99 / 1e6})
			}
			points := 0
			for _, xy := range series {
				points = max(points, len(xy))
			}
			if points < 2 {
				continue
			}
			xlabel := "N (books per flush)"
			if conc {
				xlabel = "K (goroutines, one pool)"
			}
			name := fmt.Sprintf("%s-%s.png", be, w)
			if err := drawLines(filepath.Join(dir, name), fmt.Sprintf("%s: %s, books/s (higher is better)", backendTitle[be], w), xlabel, "books per second", impls, series); err != nil {
				return files, err
			}
			files = append(files, name)
			if conc {
				name := fmt.Sprintf("%s-%s-p99.png", be, w)
				if err := drawLines(filepath.Join(dir, name), fmt.Sprintf("%s: %s, p99 latency of a save (lower is better)", backendTitle[be], w), xlabel, "p99 (ms)", impls, p99); err != nil {
					return files, err
				}
				files = append(files, name)
			}
		}
	}
	return files, nil
}

func drawLines(path, title, xlabel, ylabel string, impls []string, series map[string]plotter.XYs) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, im := range impls {
		for _, xy := range series[im] {
			if !slices.ContainsFunc(ticks, func(t plot.Tick) bool { return t.Value == xy.X }) {
				ticks = append(ticks, plot.Tick{Value: xy.X, Label: strconv.FormatFloat(xy.X, 'f', -1, 64)})
			}
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min = 0
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	for i, im := range impls {
		xy := series[im]
		slices.SortFunc(xy, func(a, b plotter.XY) int {
			switch {
			case a.X < b.X:
				return -1
			case a.X > b.X:
				return 1
			}
			return 0
		})
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		c, ok := implColor[im]
		if !ok {
			c = color.RGBA{uint8(40 * i), 0, 150, 255}
		}
		l.Color, s.Color = c, c
		l.Width = vg.Points(1.5)
		s.Shape = draw.CircleGlyph{}
		if im == "gomikro" {
			l.Width = vg.Points(2.5)
		}
		p.Add(l, s)
		p.Legend.Add(im, l, s)
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
