/*
 * A stand-in for libEAFFocuser, written from the documented API (no vendor code): one EAF with
 * ID 2 (not its index 0, so index/ID mix-ups fail), 30000 steps of travel, moving at a finite
 * 5000 steps/s computed lazily from the monotonic clock, stopping on a whole step, and a
 * temperature sensor that drifts slowly. Moves outside 0..MaxStep and moves while moving are
 * refused as the SDK does. eaf_stub_set_fault(code) makes every call fail with `code` until 0.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "zwo_types.h"

#define FOCUSER_ID 2
#define STEPS_PER_S 5000.0

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fault = 0;
static int opened = 0;
static int max_step = 30000;
static double from_step = 15000, to_step = 15000, move_start_s = 0, move_length_s = 0;
static double loaded_at_s = -1;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double position_now(void) {
  if (move_length_s <= 0) return to_step;
  double fraction = (now_s() - move_start_s) / move_length_s;
  if (fraction >= 1) return to_step;
  return from_step + (to_step - from_step) * fraction;
}

static int moving_now(void) {
  return move_length_s > 0 && now_s() < move_start_s + move_length_s;
}

static EAF_ERROR_CODE check(int id, int need_open) {
  if (loaded_at_s < 0) loaded_at_s = now_s();
  if (fault) return (EAF_ERROR_CODE)fault;
  if (id != FOCUSER_ID) return EAF_ERROR_INVALID_ID;
  if (need_open && !opened) return EAF_ERROR_CLOSED;
  return EAF_SUCCESS;
}

int EAFGetNum(void) { return 1; }

EAF_ERROR_CODE EAFGetID(int index, int *id) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = fault ? (EAF_ERROR_CODE)fault : index == 0 ? EAF_SUCCESS
                                                                 : EAF_ERROR_INVALID_INDEX;
  if (rc == EAF_SUCCESS) *id = FOCUSER_ID;
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFOpen(int id) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 0);
  if (rc == EAF_SUCCESS) opened = 1;
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFGetProperty(int id, EAF_INFO *info) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) {
    memset(info, 0, sizeof *info);
    info->ID = FOCUSER_ID;
    strncpy(info->Name, "EAF", sizeof info->Name - 1);
    info->MaxStep = max_step;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFMove(int id, int step) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS && moving_now()) rc = EAF_ERROR_MOVING;
  if (rc == EAF_SUCCESS && (step < 0 || step > max_step)) rc = EAF_ERROR_INVALID_VALUE;
  if (rc == EAF_SUCCESS) {
    from_step = position_now();
    to_step = step;
    move_start_s = now_s();
    move_length_s = fabs(to_step - from_step) / STEPS_PER_S;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* A stepper halts on a whole step. */
EAF_ERROR_CODE EAFStop(int id) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) {
    from_step = to_step = round(position_now());
    move_length_s = 0;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFIsMoving(int id, bool *moving, bool *hand_control) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) {
    *moving = moving_now();
    *hand_control = false;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFGetPosition(int id, int *step) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) *step = (int)lround(position_now());
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFResetPostion(int id, int step) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS && moving_now()) rc = EAF_ERROR_MOVING;
  if (rc == EAF_SUCCESS && (step < 0 || step > max_step)) rc = EAF_ERROR_INVALID_VALUE;
  if (rc == EAF_SUCCESS) from_step = to_step = step;
  pthread_mutex_unlock(&lock);
  return rc;
}

/* The tube cools by a degree over the first ten minutes after power-up. */
EAF_ERROR_CODE EAFGetTemp(int id, float *temp_c) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) {
    double minutes = (now_s() - loaded_at_s) / 60;
    *temp_c = (float)(14.5 - (minutes < 10 ? minutes : 10) / 10);
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFGetMaxStep(int id, int *value) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS) *value = max_step;
  pthread_mutex_unlock(&lock);
  return rc;
}

EAF_ERROR_CODE EAFSetMaxStep(int id, int value) {
  pthread_mutex_lock(&lock);
  EAF_ERROR_CODE rc = check(id, 1);
  if (rc == EAF_SUCCESS && (value < 1000 || value < position_now())) rc = EAF_ERROR_INVALID_VALUE;
  if (rc == EAF_SUCCESS) max_step = value;
  pthread_mutex_unlock(&lock);
  return rc;
}

/* Closing always works and stops the motor, as unplugging the controller would. */
EAF_ERROR_CODE EAFClose(int id) {
  pthread_mutex_lock(&lock);
  if (id == FOCUSER_ID) {
    from_step = to_step = round(position_now());
    move_length_s = 0;
    opened = 0;
  }
  pthread_mutex_unlock(&lock);
  return id == FOCUSER_ID ? EAF_SUCCESS : EAF_ERROR_INVALID_ID;
}

void eaf_stub_set_fault(int code) {
  pthread_mutex_lock(&lock);
  fault = code;
  pthread_mutex_unlock(&lock);
}
