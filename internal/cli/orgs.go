package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

func runOrgAdd(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "org add")
	parent := fs.String("parent", "", "上级组织名称（不填则为顶层组织）")
	kind := fs.String("kind", "", "类型：province（省）、city（市）、district（区）、county（县）；默认有上级时为 district，否则为 city")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang org add NAME [--parent NAME] [--kind city|district|…]")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	o := plan.Org{Name: pos[0], Kind: plan.OrgKind(*kind)}
	if *parent != "" {
		p, err := s.OrgByName(ctx, *parent)
		if err != nil {
			return err
		}
		o.ParentID = p.ID
	}
	if o.Kind == "" {
		o.Kind = plan.OrgCity
		if o.ParentID != 0 {
			o.Kind = plan.OrgDistrict
		}
	}
	id, err := s.AddOrg(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已添加组织 %d：%s（%s）\n", id, strings.TrimSpace(o.Name), o.Kind.Label())
	return nil
}

func runOrgMove(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "org move")
	parent := fs.String("parent", "", "新的上级组织名称")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *parent == "" {
		return fmt.Errorf("用法: kechuang org move NAME --parent NAME")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.OrgByName(ctx, pos[0])
	if err != nil {
		return err
	}
	p, err := s.OrgByName(ctx, *parent)
	if err != nil {
		return err
	}
	if err := s.MoveOrg(ctx, o.ID, p.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已将 %s 移到 %s 之下\n", o.Name, p.Name)
	return nil
}

func runOrgRename(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "org rename")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("用法: kechuang org rename NAME NEW_NAME")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.OrgByName(ctx, pos[0])
	if err != nil {
		return err
	}
	if err := s.RenameOrg(ctx, o.ID, pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已将组织 %s 改名为 %s\n", o.Name, strings.TrimSpace(pos[1]))
	return nil
}

func runOrgList(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "org list")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	tree, err := s.Orgs(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "编号\t名称\t类型\t上级")
	for _, o := range tree.Orgs {
		parent := "-"
		if p, ok := tree.Org(o.ParentID); ok {
			parent = p.Name
		}
		fmt.Fprintf(tw, "%d\t%s%s\t%s\t%s\n", o.ID, strings.Repeat("  ", tree.Depth(o.ID)), o.Name, o.Kind.Label(), parent)
	}
	return tw.Flush()
}

// inOrg holds ctx to the organisation named by --org: what the command
// creates goes to it, and names resolve in its directory. Without a name
// the command works unrestricted, creating in the root organisation;
// required makes the name necessary once there is more than one.
func inOrg(ctx context.Context, s *store.Store, name string, required bool) (context.Context, error) {
	if name == "" {
		if !required {
			return ctx, nil
		}
		tree, err := s.Orgs(ctx)
		if err != nil {
			return nil, err
		}
		if len(tree.Orgs) > 1 {
			return nil, fmt.Errorf("已有 %d 个组织，请用 --org 指明所属组织", len(tree.Orgs))
		}
		return ctx, nil
	}
	o, err := s.OrgByName(ctx, name)
	if err != nil {
		return nil, err
	}
	return store.WithScope(ctx, store.Scope{Org: o.ID, Orgs: []int64{o.ID}}), nil
}
