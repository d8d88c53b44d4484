//! html5ever's tree, kept in a flat arena (indices, no `Rc`): dropping a
//! deeply nested document then costs no recursion, and the nesting depth is
//! watched while parsing so that a hostile body stops early.

use std::{
    borrow::Cow,
    cell::{Cell, RefCell},
    rc::Rc,
};

use html5ever::{
    Attribute, ExpandedName, QualName,
    tendril::StrTendril,
    tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink},
};

pub(super) enum NodeData {
    Document,
    Element { name: QualName, attrs: Vec<Attribute> },
    Text(StrTendril),
    /// Comments, processing instructions: never shown.
    Other,
}

pub(super) struct ArenaNode {
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Depth when last appended (a heuristic for stopping early: the real
    /// bound is checked when the tree is read).
    depth: usize,
    pub data: NodeData,
}

/// A node's index; an element's name travels with it because html5ever
/// borrows it from the handle.
#[derive(Clone)]
pub(super) struct Handle {
    id: usize,
    name: Option<QualName>,
}

pub(super) struct Arena {
    nodes: RefCell<Vec<ArenaNode>>,
    max_depth: usize,
    /// Shared with the caller, who stops feeding input once it is set.
    too_deep: Rc<Cell<bool>>,
}

impl Arena {
    pub fn new(max_depth: usize, too_deep: Rc<Cell<bool>>) -> Self {
        let document = ArenaNode { parent: None, children: Vec::new(), depth: 0, data: NodeData::Document };
        Self { nodes: RefCell::new(vec![document]), max_depth, too_deep }
    }

    pub fn into_nodes(self) -> Vec<ArenaNode> {
        self.nodes.into_inner()
    }

    fn add(&self, data: NodeData) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(ArenaNode { parent: None, children: Vec::new(), depth: 0, data });
        nodes.len() - 1
    }

    fn detach(nodes: &mut [ArenaNode], id: usize) {
        if let Some(parent) = nodes[id].parent.take() {
            nodes[parent].children.retain(|&child| child != id);
        }
    }

    fn attach(&self, nodes: &mut [ArenaNode], parent: usize, id: usize, index: Option<usize>) {
        Self::detach(nodes, id);
        nodes[id].parent = Some(parent);
        nodes[id].depth = nodes[parent].depth + 1;
        if nodes[id].depth > self.max_depth {
            self.too_deep.set(true);
        }
        let children = &mut nodes[parent].children;
        children.insert(index.unwrap_or(children.len()).min(children.len()), id);
    }

    /// Appends text to `parent`'s text child at `index - 1` if there is one, else as a new node at `index`.
    fn add_text(&self, parent: usize, index: Option<usize>, text: StrTendril) {
        let previous = {
            let nodes = self.nodes.borrow();
            let children = &nodes[parent].children;
            let at = index.unwrap_or(children.len());
            at.checked_sub(1).map(|i| children[i])
        };
        if let Some(previous) = previous
            && let NodeData::Text(existing) = &mut self.nodes.borrow_mut()[previous].data
        {
            existing.push_tendril(&text);
            return;
        }
        let id = self.add(NodeData::Text(text));
        self.attach(&mut self.nodes.borrow_mut(), parent, id, index);
    }

    fn insert(&self, parent: usize, index: Option<usize>, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(node) => self.attach(&mut self.nodes.borrow_mut(), parent, node.id, index),
            NodeOrText::AppendText(text) => self.add_text(parent, index, text),
        }
    }
}

impl TreeSink for Arena {
    type Handle = Handle;
    type Output = Self;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle { id: 0, name: None }
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        target.name.as_ref().expect("html5ever asks only elements their name").expanded()
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> Handle {
        let id = self.add(NodeData::Element { name: name.clone(), attrs });
        Handle { id, name: Some(name) }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Handle { id: self.add(NodeData::Other), name: None }
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle { id: self.add(NodeData::Other), name: None }
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.insert(parent.id, None, child);
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        if self.nodes.borrow()[element.id].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        target.clone()
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let place = {
            let nodes = self.nodes.borrow();
            nodes[sibling.id].parent.and_then(|parent| Some((parent, nodes[parent].children.iter().position(|&c| c == sibling.id)?)))
        };
        if let Some((parent, index)) = place {
            self.insert(parent, Some(index), new_node);
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, new_attrs: Vec<Attribute>) {
        if let NodeData::Element { attrs, .. } = &mut self.nodes.borrow_mut()[target.id].data {
            for attr in new_attrs {
                if !attrs.iter().any(|a| a.name == attr.name) {
                    attrs.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        Self::detach(&mut self.nodes.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        for child in std::mem::take(&mut nodes[node.id].children) {
            nodes[child].parent = None;
            self.attach(&mut nodes, new_parent.id, child, None);
        }
    }
}
