<?php
// the zoo's PHP app: one line of output, which PHP's built-in server sends close-delimited
echo "Hello World!\n";
