//! Ordered-list changes as the UI applies them: matrix-sdk's `VectorDiff`,
//! with UI-shaped values instead of SDK types.

use eyeball_im::VectorDiff;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum ListDiff<T> {
    Append { values: Vec<T> },
    Clear,
    PushFront { value: T },
    PushBack { value: T },
    PopFront,
    PopBack,
    Insert { index: u32, value: T },
    Set { index: u32, value: T },
    Remove { index: u32 },
    Truncate { length: u32 },
    Reset { values: Vec<T> },
}

/// Converts one diff, mapping its values with `convert`.
pub fn map_diff<S: Clone, T>(diff: VectorDiff<S>, mut convert: impl FnMut(&S) -> T) -> ListDiff<T> {
    let idx = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    match diff {
        VectorDiff::Append { values } => ListDiff::Append { values: values.iter().map(convert).collect() },
        VectorDiff::Clear => ListDiff::Clear,
        VectorDiff::PushFront { value } => ListDiff::PushFront { value: convert(&value) },
        VectorDiff::PushBack { value } => ListDiff::PushBack { value: convert(&value) },
        VectorDiff::PopFront => ListDiff::PopFront,
        VectorDiff::PopBack => ListDiff::PopBack,
        VectorDiff::Insert { index, value } => ListDiff::Insert { index: idx(index), value: convert(&value) },
        VectorDiff::Set { index, value } => ListDiff::Set { index: idx(index), value: convert(&value) },
        VectorDiff::Remove { index } => ListDiff::Remove { index: idx(index) },
        VectorDiff::Truncate { length } => ListDiff::Truncate { length: idx(length) },
        VectorDiff::Reset { values } => ListDiff::Reset { values: values.iter().map(convert).collect() },
    }
}

/// The values a diff carries, to prepare them before an async conversion.
pub fn diff_values<S>(diff: &VectorDiff<S>) -> Vec<&S> {
    match diff {
        VectorDiff::Append { values } | VectorDiff::Reset { values } => values.iter().collect(),
        VectorDiff::PushFront { value }
        | VectorDiff::PushBack { value }
        | VectorDiff::Insert { value, .. }
        | VectorDiff::Set { value, .. } => vec![value],
        _ => Vec::new(),
    }
}

/// Applies diffs to a local copy, as the UI does (tests and benchmarks).
pub fn apply<T: Clone>(list: &mut Vec<T>, diffs: impl IntoIterator<Item = ListDiff<T>>) {
    for diff in diffs {
        match diff {
            ListDiff::Append { values } => list.extend(values),
            ListDiff::Clear => list.clear(),
            ListDiff::PushFront { value } => list.insert(0, value),
            ListDiff::PushBack { value } => list.push(value),
            ListDiff::PopFront => {
                if !list.is_empty() {
                    list.remove(0);
                }
            }
            ListDiff::PopBack => {
                list.pop();
            }
            ListDiff::Insert { index, value } => list.insert(index as usize, value),
            ListDiff::Set { index, value } => list[index as usize] = value,
            ListDiff::Remove { index } => {
                list.remove(index as usize);
            }
            ListDiff::Truncate { length } => list.truncate(length as usize),
            ListDiff::Reset { values } => *list = values,
        }
    }
}

#[cfg(test)]
mod tests {
    use eyeball_im::{Vector, VectorDiff};

    use super::*;

    #[test]
    fn mapped_diffs_replay_to_the_same_list() {
        let mut mirror: Vec<String> = Vec::new();
        let diffs = vec![
            VectorDiff::Reset { values: Vector::from(vec![1, 2, 3]) },
            VectorDiff::PushFront { value: 0 },
            VectorDiff::PushBack { value: 4 },
            VectorDiff::Insert { index: 2, value: 9 },
            VectorDiff::Set { index: 0, value: 7 },
            VectorDiff::Remove { index: 1 },
            VectorDiff::PopFront,
            VectorDiff::PopBack,
            VectorDiff::Append { values: Vector::from(vec![5, 6]) },
            VectorDiff::Truncate { length: 4 },
        ];
        for diff in diffs {
            apply(&mut mirror, [map_diff(diff, |n: &i32| n.to_string())]);
        }
        assert_eq!(mirror, ["9", "2", "3", "5"]);
        apply(&mut mirror, [ListDiff::Clear]);
        assert!(mirror.is_empty());
    }
}
