namespace Sirocco.Engine.Execution;

/// <summary>
/// Python's <c>list.sort</c> for short lists (run detection + binary insertion, as CPython's timsort does below 64
/// items), so that sorting with a comparator that is not a consistent order gives the order Mistral gets.
/// Mistral's dispatcher sorts task commands with such a comparator, which reverses runs of ordinary tasks.
/// </summary>
internal static class PySort
{
    public static void Sort<T>(List<T> list, Func<T, T, int> compare)
    {
        var n = list.Count;
        if (n < 2)
        {
            return;
        }
        bool Lt(T a, T b) => compare(a, b) < 0;

        // count_run
        var run = 2;
        if (Lt(list[1], list[0]))
        {
            while (run < n && Lt(list[run], list[run - 1]))
            {
                run++;
            }
            list.Reverse(0, run);
        }
        else
        {
            while (run < n && !Lt(list[run], list[run - 1]))
            {
                run++;
            }
        }

        // binarysort from the end of the run
        for (var start = run; start < n; start++)
        {
            var pivot = list[start];
            int l = 0, r = start;
            while (l < r)
            {
                var p = l + ((r - l) >> 1);
                if (Lt(pivot, list[p]))
                {
                    r = p;
                }
                else
                {
                    l = p + 1;
                }
            }
            list.RemoveAt(start);
            list.Insert(l, pivot);
        }
    }
}
