<?php
// the zoo's PHP app: one line of output, which PHP's built-in server sends close-delimited; it appends a line to
// answered.log per response, the server's own count for the zoo (the built-in server runs one request at a time)
file_put_contents('answered.log', "\n", FILE_APPEND);
echo "Hello World!\n";
