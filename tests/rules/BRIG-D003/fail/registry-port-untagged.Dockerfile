# expect: 2
FROM localhost:5000/app
