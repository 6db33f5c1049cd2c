// notfound.js: the "page not found" page needs no script beyond layout.js.
