"""`python -m segdash.demo`: regenerate data/demo/ and the blank templates in data/templates/."""

from segdash.demo.workbooks import main

main()
