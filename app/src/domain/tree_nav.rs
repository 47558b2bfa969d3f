//! Keyboard navigation of a tree view, as the WAI-ARIA Authoring Practices' tree view
//! pattern describes it (<https://www.w3.org/WAI/ARIA/apg/patterns/treeview/>), over the
//! tree's *visible* items in display order (children of collapsed items are not among
//! them). The page keeps one item active (the single tab stop, roving `tabindex`) and asks
//! [`on_key`] what a key does to it:
//!
//! | key | does |
//! | --- | --- |
//! | Down / Up | the next / previous visible item, without wrapping |
//! | Right | a closed parent opens; an open one moves to its first child; a leaf: nothing |
//! | Left | an open parent closes; otherwise moves to the item's parent (nothing at the top) |
//! | Home / End | the first / last visible item |
//! | Space, Enter | ticks or unticks the item's checkbox (the page applies the cascade) |
//!
//! Everything here is plain index arithmetic so it is tested on the host.

/// What the navigation needs to know of one visible item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// 1 at the top (`aria-level`).
    pub level: u32,
    /// Whether it has children it can show (a repository with releases).
    pub expandable: bool,
    /// Whether those children are shown right after it.
    pub expanded: bool,
}

/// A key the tree handles; every other key is left to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    /// Space or Enter.
    Toggle,
}

impl Key {
    /// `KeyboardEvent.key` → a key the tree handles.
    pub fn from_dom(key: &str) -> Option<Key> {
        Some(match key {
            "ArrowUp" => Key::Up,
            "ArrowDown" => Key::Down,
            "ArrowLeft" => Key::Left,
            "ArrowRight" => Key::Right,
            "Home" => Key::Home,
            "End" => Key::End,
            " " | "Spacebar" | "Enter" => Key::Toggle,
            _ => return None,
        })
    }
}

/// What a key does to the active item `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Make this item active and focus it.
    Focus(usize),
    /// Show the children of this item (it stays active).
    Expand(usize),
    /// Hide the children of this item (it stays active).
    Collapse(usize),
    /// Tick or untick this item's checkbox.
    Toggle(usize),
    /// The key does nothing here (still swallowed: it is a tree key).
    Nothing,
}

/// The item after `at`.
pub fn next(items: &[NavItem], at: usize) -> Option<usize> {
    (at + 1 < items.len()).then_some(at + 1)
}

/// The item before `at`.
pub fn prev(items: &[NavItem], at: usize) -> Option<usize> {
    at.checked_sub(1).filter(|&i| i < items.len())
}

/// The nearest item above `at` one level up.
pub fn parent(items: &[NavItem], at: usize) -> Option<usize> {
    let level = items.get(at)?.level;
    (0..at).rev().find(|&i| items[i].level < level)
}

/// The first child of `at`, when it is shown (the item right after, one level down).
pub fn first_child(items: &[NavItem], at: usize) -> Option<usize> {
    let item = items.get(at)?;
    let child = items.get(at + 1)?;
    (item.expanded && child.level > item.level).then_some(at + 1)
}

/// The active item once the visible items changed (filtered, collapsed): the same one if
/// it is still there, else the first item.
pub fn keep_active(len: usize, position: Option<usize>) -> Option<usize> {
    match position {
        Some(p) if p < len => Some(p),
        _ => (len > 0).then_some(0),
    }
}

/// What `key` does with `at` active.
pub fn on_key(items: &[NavItem], at: usize, key: Key) -> Action {
    let Some(item) = items.get(at) else {
        return Action::Nothing;
    };
    let focus = |i: Option<usize>| i.map_or(Action::Nothing, Action::Focus);
    match key {
        Key::Down => focus(next(items, at)),
        Key::Up => focus(prev(items, at)),
        Key::Home => focus((!items.is_empty()).then_some(0)),
        Key::End => focus(items.len().checked_sub(1)),
        Key::Right if item.expandable && !item.expanded => Action::Expand(at),
        Key::Right => focus(first_child(items, at)),
        Key::Left if item.expandable && item.expanded => Action::Collapse(at),
        Key::Left => focus(parent(items, at)),
        Key::Toggle => Action::Toggle(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(expandable: bool, expanded: bool) -> NavItem {
        NavItem {
            level: 1,
            expandable,
            expanded,
        }
    }
    const RELEASE: NavItem = NavItem {
        level: 2,
        expandable: false,
        expanded: false,
    };

    /// repo0 (open: r, r), repo3 (closed), repo4 (no releases)
    fn tree() -> Vec<NavItem> {
        vec![
            repo(true, true),
            RELEASE,
            RELEASE,
            repo(true, false),
            repo(false, false),
        ]
    }

    #[test]
    fn up_and_down_walk_the_visible_items_without_wrapping() {
        let t = tree();
        assert_eq!(on_key(&t, 0, Key::Down), Action::Focus(1));
        assert_eq!(on_key(&t, 2, Key::Down), Action::Focus(3));
        assert_eq!(on_key(&t, 4, Key::Down), Action::Nothing);
        assert_eq!(on_key(&t, 3, Key::Up), Action::Focus(2));
        assert_eq!(on_key(&t, 0, Key::Up), Action::Nothing);
    }

    #[test]
    fn home_and_end_go_to_the_ends() {
        let t = tree();
        assert_eq!(on_key(&t, 2, Key::Home), Action::Focus(0));
        assert_eq!(on_key(&t, 1, Key::End), Action::Focus(4));
    }

    #[test]
    fn right_opens_then_enters_and_does_nothing_on_a_leaf() {
        let t = tree();
        assert_eq!(on_key(&t, 3, Key::Right), Action::Expand(3));
        assert_eq!(on_key(&t, 0, Key::Right), Action::Focus(1));
        assert_eq!(on_key(&t, 1, Key::Right), Action::Nothing);
        assert_eq!(on_key(&t, 4, Key::Right), Action::Nothing);
    }

    #[test]
    fn left_closes_then_climbs_to_the_parent() {
        let t = tree();
        assert_eq!(on_key(&t, 0, Key::Left), Action::Collapse(0));
        assert_eq!(on_key(&t, 2, Key::Left), Action::Focus(0));
        assert_eq!(on_key(&t, 3, Key::Left), Action::Nothing);
        assert_eq!(on_key(&t, 4, Key::Left), Action::Nothing);
    }

    #[test]
    fn space_and_enter_toggle() {
        assert_eq!(Key::from_dom(" "), Some(Key::Toggle));
        assert_eq!(Key::from_dom("Enter"), Some(Key::Toggle));
        assert_eq!(Key::from_dom("Tab"), None);
        assert_eq!(on_key(&tree(), 2, Key::Toggle), Action::Toggle(2));
    }

    #[test]
    fn parent_and_first_child() {
        let t = tree();
        assert_eq!(parent(&t, 2), Some(0));
        assert_eq!(parent(&t, 0), None);
        assert_eq!(first_child(&t, 0), Some(1));
        assert_eq!(first_child(&t, 3), None);
        assert_eq!(first_child(&t, 4), None);
        assert_eq!(prev(&t, 0), None);
        assert_eq!(next(&t, 3), Some(4));
    }

    #[test]
    fn out_of_range_and_empty_trees_do_nothing() {
        assert_eq!(on_key(&[], 0, Key::Down), Action::Nothing);
        assert_eq!(on_key(&tree(), 9, Key::Home), Action::Nothing);
        assert_eq!(keep_active(0, Some(0)), None);
        assert_eq!(keep_active(3, Some(5)), Some(0));
        assert_eq!(keep_active(3, Some(2)), Some(2));
        assert_eq!(keep_active(3, None), Some(0));
    }
}
