// `sqlx::migrate!` embeds the media cache's migrations at build time: a new or
// changed migration file must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
