"""L-BFGS: quasi-Newton steps from a limited history of gradient and position changes,
with a fixed step or a line search satisfying the strong Wolfe conditions."""
from .. import cat, view_as_real, zeros
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr_tensor


class LBFGS(Optimizer):
    """L-BFGS over all parameters as one flat vector (a single parameter group).

    Each step(closure) runs up to max_iter iterations (and max_eval closure calls): the
    direction is -H g, with H the inverse Hessian estimate of the two-loop recursion
    over the last history_size pairs (s, y) (scaled by y.s / y.y); the step length is lr
    (the first iteration ever: lr * min(1, 1 / |g|_1)), or, with
    line_search_fn='strong_wolfe', found by a bracketing and zoom line search with cubic
    interpolation.  Iterations stop when max |g| <= tolerance_grad, or the step or the
    change of loss falls under tolerance_change (the line search, like PyTorch's, uses
    its own tolerance of 1e-9).  The state is kept under the first
    parameter, as PyTorch keeps it; its scalars are 0-d tensors where PyTorch's are."""

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-07,
                 tolerance_change=1e-09, history_size=100, line_search_fn=None):
        _check_lr_tensor(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector ---------------------------------------------
    def _real_params(self):
        return [view_as_real(p) if p.is_complex() else p for p in self._params]

    def _flat_grad(self):
        pieces = []
        for p in self._params:
            if p.grad is None:
                n = p.numel() * (2 if p.is_complex() else 1)
                dtype = p.real.dtype if p.is_complex() else p.dtype
                pieces.append(zeros(n, dtype=dtype, device=p.device))
            else:
                g = view_as_real(p.grad) if p.grad.is_complex() else p.grad
                pieces.append(g.reshape(-1))
        return cat(pieces, 0)

    def _move(self, step, direction):
        """p += step * direction (its slice for each parameter)."""
        start = 0
        for p in self._real_params():
            n = p.numel()
            p.add_(direction[start:start + n].view_as(p), alpha=step)
            start += n

    def _evaluate_at(self, closure, start, t, d):
        """The loss (a float) and flat gradient at start + t d; the parameters are put
        back to start afterwards."""
        self._move(t, d)
        loss = float(closure())
        grad = self._flat_grad()
        for p, saved in zip(self._params, start):
            p.copy_(saved)
        return loss, grad

    # ---- the optimization ---------------------------------------------------------------
    @no_grad()
    def step(self, closure):
        """Run up to max_iter iterations; returns the closure's first loss."""
        group = self.param_groups[0]
        lr = group["lr"].item() if hasattr(group["lr"], "item") else group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size, line_search = group["history_size"], group["line_search_fn"]

        def evaluate():
            return self._run_closure(closure)

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss = evaluate()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        grad = self._flat_grad()
        if grad.abs().max() <= tol_grad:
            return first_loss

        d, t = state.get("d"), state.get("t")
        dirs, steps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag = state.get("H_diag")
        prev_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        for it in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = grad.neg()
                dirs, steps, ro = [], [], []
                H_diag = 1
            else:
                y = grad.sub(prev_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(dirs) == history_size:
                        del dirs[0], steps[0], ro[0]
                    dirs.append(y)
                    steps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                if "al" not in state:
                    state["al"] = [None] * history_size
                d = _two_loop(grad, dirs, steps, ro, H_diag, state["al"])

            if prev_grad is None:
                prev_grad = grad.clone()
            else:
                prev_grad.copy_(grad)
            prev_loss = loss

            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / grad.abs().sum()) * lr
            else:
                t = lr
            gtd = grad.dot(d)
            if gtd > -tol_change:  # not a descent direction (to tolerance)
                break

            used = 0
            if line_search is not None:
                if line_search != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                start = [p.clone() for p in self._params]
                loss, grad, t, used = _strong_wolfe(
                    lambda x, step, direction: self._evaluate_at(evaluate, x, step, direction),
                    start, t, d, loss, grad, gtd, max_ls=max_eval - evals)
                self._move(t, d)
                optimal = grad.abs().max() <= tol_grad
            else:
                self._move(t, d)
                optimal = False
                if it != max_iter:  # the last iteration's loss would go unused
                    loss = float(evaluate())
                    grad = self._flat_grad()
                    optimal = grad.abs().max() <= tol_grad
                    used = 1
            evals += used
            state["func_evals"] += used

            if it == max_iter or evals >= max_eval or optimal:
                break
            if d.mul(t).abs().max() <= tol_change or abs(loss - prev_loss) < tol_change:
                break

        state.update(d=d, t=t, old_dirs=dirs, old_stps=steps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_grad, prev_loss=prev_loss)
        return first_loss


def _two_loop(grad, dirs, steps, ro, H_diag, al):
    """-H grad by the L-BFGS two-loop recursion (al holds the first loop's coefficients)."""
    q = grad.neg()
    for i in reversed(range(len(dirs))):
        al[i] = steps[i].dot(q) * ro[i]
        q.add_(dirs[i], alpha=-al[i])
    r = q.mul(H_diag)
    for i in range(len(dirs)):
        be = dirs[i].dot(r) * ro[i]
        r.add_(steps[i], alpha=al[i] - be)
    return r


def _cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2,
    clamped to bounds (default: between x1 and x2); their middle when it has none."""
    low, high = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    disc = d1 ** 2 - g1 * g2
    if not disc >= 0:
        return (low + high) / 2.0
    d2 = disc.sqrt()
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """A step t along d meeting the strong Wolfe conditions (sufficient decrease c1,
    curvature c2): first widen until a bracket holds one, then shrink it by cubic
    interpolation.  Returns (loss, flat gradient, t, number of evaluations)."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    # bracketing: points are [t, f, g, g.d]
    prev = [0, f, g, gtd]
    new = [t, f_new, g_new, gtd_new]
    bracket, done, ls_iter = None, False, 0
    while ls_iter < max_ls:
        if new[1] > (f + c1 * new[0] * gtd) or (ls_iter > 1 and new[1] >= prev[1]):
            bracket = [prev, [new[0], new[1], new[2].clone(), new[3]]]
            break
        if abs(new[3]) <= -c2 * gtd:
            bracket, done = [new], True
            break
        if new[3] >= 0:
            bracket = [prev, [new[0], new[1], new[2].clone(), new[3]]]
            break
        t_cur = new[0]
        t_next = _cubic_minimum(prev[0], prev[1], prev[3], t_cur, new[1], new[3],
                                bounds=(t_cur + 0.01 * (t_cur - prev[0]), t_cur * 10))
        prev = [t_cur, new[1], new[2].clone(), new[3]]
        f_new, g_new = evaluate(x, t_next, d)
        evals += 1
        new = [t_next, f_new, g_new, g_new.dot(d)]
        ls_iter += 1
    if ls_iter >= max_ls:
        bracket = [[0, f, g, None], [new[0], new[1], new[2], None]]

    # zoom: shrink the bracket until its low point meets the conditions
    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    insufficient = False
    while not done and ls_iter < max_ls:
        a, b = bracket[0][0], bracket[1][0]
        if abs(b - a) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(a, bracket[0][1], bracket[0][3], b, bracket[1][1], bracket[1][3])
        top, bottom = max(a, b), min(a, b)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:  # too close to an end of the bracket
            if insufficient or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket[low][1]:
            bracket[high] = [t, f_new, g_new.clone(), gtd_new]
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = [t, f_new, g_new.clone(), gtd_new]
    t, f_new, g_new = bracket[low][:3]
    return f_new, g_new, t, evals
