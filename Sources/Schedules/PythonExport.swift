/// A schedule, its input scale and normalisation, and a training objective as one self-contained
/// Python module (`schedtui export --python FILE.py`), so a training loop elsewhere uses exactly
/// what was tuned here. Pure text generation: the caller writes the file.
///
/// The module needs NumPy and nothing else; every function also takes PyTorch tensors (and
/// then returns tensors on the same device), computing in float64 either way. It holds:
///
/// ```
/// gamma(t)            γ(t) of the schedule, clipped to [clipMin, 1] (b not applied)
/// logsnr(t)           λ_b(t) = log(b²γ/(1−γ)), the scaled process's logSNR
/// condition(t)        λ_b clamped to ±40: what schedtui's networks are conditioned on
/// diffuse(x0, t, eps) x_t = b·√γ·x0 + √(1−γ)·ε  (Algorithm 2's noising, before normalisation)
/// noisy(x0, t, eps)   the network input: x_t, divided per example by its population std
///                     when normalisation is on (Algorithm 2); network_input(x_t) alone
/// coefficients(a, s)  ``Objective/coefficients(alpha:sigma:)``: skip, out, x0_skip, x0_out,
///                     target_eps, target_x0, weight
/// weight(lam)         ``Objective/weight(logSNR:)``
/// loss(F, x0, t, eps) per example weight·mean((F − F*)²), F* = target_eps·ε + target_x0·x0
/// ```
///
/// Each family is written as the same formula ``Schedule`` evaluates, in the same order of
/// operations (so λ of the families defined by their logSNR is computed directly, not through
/// γ); the discrete ddpm families are written as their table of log γ(k/T), k = 0 … T,
/// interpolated linearly in t, which is what ``Schedule`` does with the same table.
public struct PythonExport: Sendable {
  /// The version of the module's interface, written into it as `SCHEDTUI_PYTHON_VERSION`.
  public static let version = 1

  /// The module's text.
  public let text: String

  /// Builds the module for `config` (schedule, b, normalisation) and `objective`; `source` says
  /// in the header where the config came from (a file, a preset, the command line).
  ///
  /// `dataRMSFromData`: σ_d was not fixed by the user, so, as schedtui's trainer does, a training
  /// loop should measure it on its own data (`set_data_rms(x0)`); `objective.dataRMS` is then
  /// the value measured on the config's own data set, or 1 without one.
  public init(
    config: Config, objective: Objective, source: String, dataRMSFromData: Bool = false
  ) throws(ScheduleError) {
    let process = try config.noiseProcess()
    let schedule = process.schedule
    let spec = schedule.spec
    func num(_ x: Double) -> String { JSONValue.number(x) }
    var constants: [String] = []
    let family: String
    switch schedule.kind {
    case .linear:
      family = """
            g = 1 - t
            return g, None
        """
    case .cosine(let vStart, let vEnd):
      constants += ["START = \(num(spec.start))", "END = \(num(spec.end))",
                    "TAU = \(num(spec.tau))", "V_START = \(num(vStart))", "V_END = \(num(vEnd))"]
      family = """
            # Algorithm 1: v_start = cos(start·π/2)^(2τ), v_end = cos(end·π/2)^(2τ).
            u = (t * (END - START) + START) * math.pi / 2
            output = xp.cos(u) ** (2 * TAU)
            return (V_END - output) / (V_END - V_START), None
        """
    case .sigmoid(let vStart, let vEnd):
      constants += ["START = \(num(spec.start))", "END = \(num(spec.end))",
                    "TAU = \(num(spec.tau))", "V_START = \(num(vStart))", "V_END = \(num(vEnd))"]
      family = """
            # Algorithm 1: v_start = sigmoid(start/τ), v_end = sigmoid(end/τ).
            output = _sigmoid(xp, (t * (END - START) + START) / TAU)
            return (V_END - output) / (V_END - V_START), None
        """
    case .discrete(let logGamma):
      let rows = stride(from: 0, to: logGamma.count, by: 4).map { i in
        "    " + logGamma[i..<Swift.min(i + 4, logGamma.count)].map(num).joined(separator: ", ")
          + ","
      }
      constants += [
        "# log γ(k/T), k = 0 … T: diffusers' alphas_cumprod (in float64) with γ(0) = 1, clipped.",
        "LOG_GAMMA = [\n" + rows.joined(separator: "\n") + "\n]",
      ]
      family = """
            # log γ is linear in t between grid points (a constant β within each step).
            steps = len(LOG_GAMMA) - 1
            table = _table(xp, t, LOG_GAMMA)
            u = t * steps
            k = xp.clip(xp.floor(u), None, steps - 1)
            w = u - k
            k = _index(xp, k)
            lg = table[k] + w * (table[k + 1] - table[k])
            g = xp.exp(lg)
            return g, lg - xp.log1p(-g)
        """
    case .shiftedCosine(let offset):
      constants += ["OFFSET = \(num(offset))  # 2·log(base_resolution/resolution)"]
      family = """
            lam = -2 * xp.log(xp.tan(math.pi * t / 2)) + OFFSET
            return _sigmoid(xp, lam), lam
        """
    case .edm(let a, let b):
      constants += ["RHO = \(num(spec.rho))",
                    "A = \(num(a))  # sigma_min^(1/ρ)", "B = \(num(b))  # sigma_max^(1/ρ)"]
      family = """
            lam = -2 * (RHO * xp.log(A + t * (B - A)))
            return _sigmoid(xp, lam), lam
        """
    case .laplace:
      constants += ["MU = \(num(spec.laplaceMu))", "BETA = \(num(spec.laplaceBeta))"]
      family = """
            lam = xp.where(t < 0.5, MU - BETA * xp.log(2 * t), MU + BETA * xp.log(2 - 2 * t))
            return _sigmoid(xp, lam), lam
        """
    case .rectifiedFlow:
      constants += ["SHIFT = \(num(spec.shift))"]
      family = """
            ts = SHIFT * t / (1 + (SHIFT - 1) * t)
            lam = 2 * (xp.log1p(-ts) - xp.log(ts))
            a = 1 - ts
            return a * a / (a * a + ts * ts), lam
        """
    }
    var rescale = ""
    if let r = schedule.rescale {
      constants += [
        "# Zero terminal SNR (Lin et al. 2023): √γ' = (√γ − √γ(1))·√γ(0)/(√γ(0) − √γ(1)).",
        "RESCALE_SQRT_END = \(num(r.sqrtEnd))", "RESCALE_SCALE = \(num(r.scale))",
      ]
      rescale = """
                root = xp.sqrt(g)
                shifted = xp.clip(root - RESCALE_SQRT_END, 0, None) * RESCALE_SCALE
                g = shifted * shifted
                lam = None

        """
    }
    let o = objective
    // A config holds no free text (names are enum values): never ''' nor a backslash.
    let configText = config.encoded()
    // The source goes into the docstring: no quote or backslash may end it early.
    let header = String(source.map { $0 == "\"" ? "'" : $0 == "\\" ? "/" : $0 })
    text = """
      \"\"\"The noise schedule and training objective of one schedtui config, for any training loop.

      Generated by `schedtui export --python` from: \(header)
      Schedule: \(spec.family.rawValue), input scale b = \(num(process.inputScale)), \
      normalisation \(process.normalize ? "on" : "off"); objective: prediction \
      \(o.prediction.rawValue), weighting \(o.weighting.rawValue).
      The whole config is CONFIG below. Needs NumPy; every function also takes PyTorch tensors.

      Conventions (schedtui's README): t in [0, 1], t = 0 is clean data; gamma is the signal
      variance; x_t = b*sqrt(gamma)*x0 + sqrt(1-gamma)*eps; logSNR = log(b^2*gamma/(1-gamma)).
      The objective's coefficients act on x_t, not on the normalised network input:
      eps_hat = skip*x_t + out*F, x0_hat = x0_skip*x_t + x0_out*F, and the loss is
      weight*mean((F - F*)^2) with F* = target_eps*eps + target_x0*x0.
      \"\"\"
      import math

      import numpy as np

      SCHEDTUI_PYTHON_VERSION = \(PythonExport.version)
      CONFIG = r'''\(configText)'''

      FAMILY = "\(spec.family.rawValue)"
      INPUT_SCALE = \(num(process.inputScale))
      NORMALIZE = \(process.normalize ? "True" : "False")
      CLIP_MIN = \(num(spec.clipMin))
      # The network is conditioned on logSNR clamped to this (t = 0 has logSNR = +inf).
      LOGSNR_LIMIT = 40.0
      PREDICTION = "\(o.prediction.name)"  # one of \(Parameterization.namesList)
      WEIGHTING = "\(o.weighting.name)"  # one of \(LossWeighting.namesList)
      MIN_SNR_GAMMA = \(num(o.minSNRGamma))
      DATA_RMS = \(num(o.dataRMS))
      # True: sigma_d was not fixed at export; measure it on your training data with
      # set_data_rms(x0), as schedtui's trainer measures it on its own.
      DATA_RMS_FROM_DATA = \(dataRMSFromData ? "True" : "False")

      \(constants.joined(separator: "\n"))


      def _xp(x):
          # PyTorch only when the caller passes a tensor, so NumPy users never import it.
          if type(x).__module__.split(".")[0] == "torch":
              import torch
              return torch
          return np


      def _f64(x):
          xp = _xp(x)
          if xp is np:
              return xp, np.asarray(x, dtype=np.float64)
          return xp, x.to(xp.float64)


      def _table(xp, like, values):
          if xp is np:
              return np.asarray(values, dtype=np.float64)
          return xp.tensor(values, dtype=xp.float64, device=like.device)


      def _index(xp, k):
          return k.astype(np.int64) if xp is np else k.long()


      def _sigmoid(xp, x):
          return 1 / (1 + xp.exp(-x))


      def _logit(xp, g):
          return xp.log(g) - xp.log1p(-g)


      class _quiet:
          # log(0) = -inf and 1/0 are expected at the ends (t = 0, gamma = 1); NumPy would warn.
          def __enter__(self):
              self.saved = np.seterr(all="ignore")

          def __exit__(self, *exc):
              np.seterr(**self.saved)


      def _family(xp, t):
          # The family's gamma and, for families defined by their logSNR, lambda (else None).
      \(family)


      def _schedule(t):
          xp, t = _f64(t)
          with _quiet():
              t = xp.clip(t, 0.0, 1.0)
              g, lam = _family(xp, t)
      \(rescale)        if lam is None:
                  lam = _logit(xp, g)
              low = xp.isnan(g) | (g <= CLIP_MIN)
              high = (~low) & (g >= 1)
              g = xp.where(low, CLIP_MIN, xp.where(high, 1.0, g))
              lam = xp.where(low, _logit(xp, g), xp.where(high, math.inf, lam))
          return xp, g, lam


      def gamma(t):
          \"\"\"gamma(t): the schedule's signal variance, clipped to [CLIP_MIN, 1].\"\"\"
          return _schedule(t)[1]


      def logsnr(t):
          \"\"\"log(b^2*gamma/(1-gamma)): the scaled process's logSNR (+inf where gamma = 1).\"\"\"
          _, _, lam = _schedule(t)
          return lam + 2 * math.log(INPUT_SCALE)


      def condition(t):
          \"\"\"logsnr(t) clamped to +-LOGSNR_LIMIT: the noise level schedtui's networks take.\"\"\"
          xp, _, lam = _schedule(t)
          return xp.clip(lam + 2 * math.log(INPUT_SCALE), -LOGSNR_LIMIT, LOGSNR_LIMIT)


      def alpha_sigma(t):
          \"\"\"alpha = b*sqrt(gamma), sigma = sqrt(1-gamma): x_t = alpha*x0 + sigma*eps.\"\"\"
          xp, g, _ = _schedule(t)
          return INPUT_SCALE * xp.sqrt(g), xp.sqrt(1 - g)


      def _per_example(v, like):
          # t has one value per example; x0 has shape (batch, ...).
          return v.reshape((-1,) + (1,) * (like.ndim - 1))


      def diffuse(x0, t, eps):
          \"\"\"x_t = b*sqrt(gamma(t))*x0 + sqrt(1-gamma(t))*eps, t of shape (batch,).\"\"\"
          xp, x0 = _f64(x0)
          _, eps = _f64(eps)
          a, s = alpha_sigma(t)
          return _per_example(a, x0) * x0 + _per_example(s, x0) * eps


      def noisy(x0, t, eps):
          \"\"\"Algorithm 2's network input: network_input(diffuse(x0, t, eps)).\"\"\"
          return network_input(diffuse(x0, t, eps))


      def network_input(x):
          \"\"\"What the network sees of x_t (also when sampling): x_t divided by each example's
          population std when NORMALIZE (an example of zero spread is left as it is).\"\"\"
          if not NORMALIZE:
              return x
          xp = _xp(x)
          flat = x.reshape(x.shape[0], -1)
          mean = flat.mean(1)
          std = xp.sqrt(((flat - mean[:, None]) ** 2).mean(1))
          with _quiet():
              scale = xp.where(std > 1e-12, 1 / std, 1.0)
          return x * _per_example(scale, x)


      def set_data_rms(x0):
          \"\"\"Sets DATA_RMS to sqrt(mean(x0^2)) over the training images (pixels in [-1, 1]),
          the second moment schedtui's trainer uses, and returns it.\"\"\"
          global DATA_RMS
          _, x = _f64(x0)
          DATA_RMS = float(((x * x).mean()) ** 0.5)
          return DATA_RMS


      def weight(lam, weighting=None):
          \"\"\"w(lambda), the weighting's factor on the eps-MSE at logSNR lam.\"\"\"
          weighting = weighting or WEIGHTING
          xp, lam = _f64(lam)
          if weighting == "eps-mse":
              return xp.ones_like(lam)
          if weighting == "x0-mse":
              return xp.exp(-lam)
          if weighting == "v-mse":
              return 1 + xp.exp(-lam)
          if weighting == "min-snr":
              return xp.clip(MIN_SNR_GAMMA * xp.exp(-lam), None, 1.0)
          if weighting == "edm":
              return 1 + xp.exp(-lam) / (DATA_RMS * DATA_RMS)
          if weighting == "flow-mse":
              return (1 + INPUT_SCALE * xp.exp(-lam / 2)) ** 2
          raise ValueError(f"weighting {weighting!r}: one of \(LossWeighting.namesList)")


      def coefficients(alpha, sigma, prediction=None, weighting=None):
          \"\"\"The objective at x_t = alpha*x0 + sigma*eps (alpha, sigma > 0), as a dict:
          eps_hat = skip*x_t + out*F; x0_hat = x0_skip*x_t + x0_out*F;
          F* = target_eps*eps + target_x0*x0; weight = w(lambda)*out^2 multiplies (F - F*)^2.\"\"\"
          prediction = prediction or PREDICTION
          xp, a = _f64(alpha)
          _, s = _f64(sigma)
          one, zero = xp.ones_like(a), xp.zeros_like(a)
          if prediction == "eps":
              c = dict(skip=zero, out=one, x0_skip=1 / a, x0_out=-s / a, target_eps=one,
                       target_x0=zero)
          elif prediction == "x0":
              c = dict(skip=1 / s, out=-a / s, x0_skip=zero, x0_out=one, target_eps=zero,
                       target_x0=one)
          elif prediction in ("v", "edm"):
              d = 1.0 if prediction == "v" else DATA_RMS
              signal = a * d
              n2 = signal * signal + s * s
              n = xp.sqrt(n2)
              c = dict(skip=s / n2, out=signal / n, x0_skip=a * d * d / n2, x0_out=-s * d / n,
                       target_eps=signal / n, target_x0=-s / (d * n))
          elif prediction == "flow":
              # v = eps - b*x0 for x_t = sqrt(gamma)*(b*x0) + sigma*eps, b = alpha/sqrt(gamma).
              g = xp.sqrt(1 - s * s)
              b, r = a / g, g + s
              c = dict(skip=1 / r, out=g / r, x0_skip=1 / (b * r), x0_out=-s / (b * r),
                       target_eps=one, target_x0=-b)
          else:
              raise ValueError(f"prediction {prediction!r}: one of \(Parameterization.namesList)")
          lam = 2 * (xp.log(a) - xp.log(s))
          if (weighting or WEIGHTING) == "flow-mse":
              # ((sqrt(gamma) + sigma)/sqrt(gamma))^2 from this level's own b, as Objective does.
              g = xp.sqrt(1 - s * s)
              w = ((g + s) / g) ** 2
          else:
              w = weight(lam, weighting)
          c["weight"] = w * c["out"] * c["out"]
          return c


      def loss(output, x0, t, eps):
          \"\"\"Per example: weight * mean((F - F*)^2) over the example, for network output F.\"\"\"
          xp, x0 = _f64(x0)
          _, eps = _f64(eps)
          _, output = _f64(output)
          a, s = alpha_sigma(t)
          c = coefficients(a, s)
          target = _per_example(c["target_eps"], x0) * eps + _per_example(c["target_x0"], x0) * x0
          err = (output - target).reshape(x0.shape[0], -1)
          return c["weight"] * (err * err).mean(1)

      """
  }
}
