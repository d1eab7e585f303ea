package demo

import "parley/feeds"

// Templates are the demo's saved replies, so ctrl+t has something to pick
// from in --demo (it has no config file or templates folder to add one to).
var Templates = []feeds.Template{
	{Name: "Thanks", Source: "demo",
		Body: "Hi {first_name}, thanks for taking the time to write this! It really helps us.\n\nMaya from Quillstone"},
	{Name: "Sorry, we are on it", Source: "demo",
		Body: "Hi {first_name}, I'm sorry about this: that is not the experience we want you to have. " +
			"I've passed it to the team and will come back here as soon as I know more.\n\nMaya from Quillstone"},
	{Name: "Trial and pricing", Source: "demo",
		Body: "Hi {first_name}, the 14-day trial has every Team feature and needs no card. " +
			"You can start it here: {track_link}\n\nMaya from Quillstone"},
}
