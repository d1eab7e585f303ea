package ui

// welcomeConfig is the config example on the welcome screen, shown as it
// is (indented two spaces, which TOML ignores) for the user to paste.
// ours comes before [[feed]]: after it, TOML would put ours inside the
// feed's table, where it is an unknown key.
const welcomeConfig = `  ours = ["Your Name"]   # authors that are you, so your replies count

  [[feed]]
  name  = "Blog comments"
  url   = "https://example.com/comments/feed/"
  every = "5m"`
