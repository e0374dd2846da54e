package register

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// RejectedWriter gives rejected rows back as an .xlsx: the list's header
// with a 原因 column after it, each row with its original cells and why it
// was not imported, so that the user can correct the file and import it
// again (the 原因 column is then read past). Rows are streamed: excelize's
// stream writer moves them to a temporary file as they come.
type RejectedWriter struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	width int // columns before 原因
	row   int
}

const rejectedSheet = "未导入的行"

// NewRejectedWriter starts the workbook with the header row.
func NewRejectedWriter(w io.Writer, header []string) (*RejectedWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", rejectedSheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("register: rejected rows: %w", err)
	}
	sw, err := f.NewStreamWriter(rejectedSheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("register: rejected rows: %w", err)
	}
	rw := &RejectedWriter{w: w, f: f, sw: sw, width: len(header)}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err == nil {
		err = sw.SetColWidth(1, max(1, len(header)), 18)
	}
	if err == nil {
		err = sw.SetColWidth(len(header)+1, len(header)+1, 60)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("register: rejected rows: %w", err)
	}
	cells := make([]any, 0, len(header)+1)
	for _, h := range header {
		cells = append(cells, excelize.Cell{StyleID: bold, Value: h})
	}
	cells = append(cells, excelize.Cell{StyleID: bold, Value: "原因"})
	if err := rw.write(cells); err != nil {
		f.Close()
		return nil, err
	}
	return rw, nil
}

// Add writes a rejected row. 原因 stays in the column after the header;
// cells of the row beyond the header (which have no column name) follow it.
func (rw *RejectedWriter) Add(cells []string, reason string) error {
	out := make([]any, 0, max(len(cells), rw.width)+1)
	for i := range rw.width {
		c := ""
		if i < len(cells) {
			c = cells[i]
		}
		out = append(out, c) // as text: codes and numbers come back as they were written
	}
	out = append(out, reason)
	for i := rw.width; i < len(cells); i++ {
		out = append(out, cells[i])
	}
	return rw.write(out)
}

func (rw *RejectedWriter) write(cells []any) error {
	rw.row++
	ref, _ := excelize.CoordinatesToCellName(1, rw.row)
	if err := rw.sw.SetRow(ref, cells); err != nil {
		return fmt.Errorf("register: rejected rows: %w", err)
	}
	return nil
}

// Close finishes the workbook and writes it to w.
func (rw *RejectedWriter) Close() error {
	defer rw.f.Close()
	if err := rw.sw.Flush(); err != nil {
		return fmt.Errorf("register: rejected rows: %w", err)
	}
	if _, err := rw.f.WriteTo(rw.w); err != nil {
		return fmt.Errorf("register: rejected rows: %w", err)
	}
	return nil
}

// WriteRejected writes rejected rows with their reasons in one call.
func WriteRejected(w io.Writer, header []string, rows [][]string, reasons []string) error {
	rw, err := NewRejectedWriter(w, header)
	if err != nil {
		return err
	}
	for i, r := range rows {
		reason := ""
		if i < len(reasons) {
			reason = reasons[i]
		}
		if err := rw.Add(r, reason); err != nil {
			rw.f.Close()
			return err
		}
	}
	return rw.Close()
}
