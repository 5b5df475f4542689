// The hello function on Fn's own Node FDK (@fnproject/fdk from npm), unchanged from how it runs on Fn.
// Answers {"message":"Hello, NAME!"} for a body {"name":"NAME"}, and "Hello, World!" otherwise.
const fdk = require('@fnproject/fdk');

fdk.handle(function (input) {
  let name = 'World';
  if (input && typeof input === 'object' && typeof input.name === 'string' && input.name.length > 0) {
    name = input.name;
  }
  return { message: `Hello, ${name}!` };
});
