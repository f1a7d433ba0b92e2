n=$1
for ((i = 1; i <= n; i++)); do echo "$i" >>f; done
exec 3>>g
for ((i = 1; i <= n; i++)); do echo "g $i" >&3; echo "out $i"; done
exec 3>&-
echo "end"
